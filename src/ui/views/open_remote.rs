//! The "Open from S3 / URL" window: an address to open directly, the connection (profile,
//! region, endpoint), an S3 browser with filters and multi-select, and the download cache.

use crate::source::human_bytes;
use crate::source::remote::RemoteOptions;
use crate::ui::remote::{Browser, RemoteSettings};

/// Shows the window when it is open; returns the sources the user asked to open.
pub fn show(
    ctx: &egui::Context,
    browser: &mut Browser,
    settings: &mut RemoteSettings,
    base: &RemoteOptions,
) -> Vec<String> {
    browser.poll();
    let mut to_open = Vec::new();
    let mut open = browser.open;
    egui::Window::new("Open from S3 / URL")
        .open(&mut open)
        .default_width(720.0)
        .default_height(560.0)
        .resizable(true)
        .show(ctx, |ui| {
            address(ui, browser, &mut to_open);
            ui.separator();
            connection(ui, browser, settings);
            ui.separator();
            browse(ui, browser, settings, base, &mut to_open);
            ui.separator();
            cache(ui, browser, base);
        });
    browser.open = open && to_open.is_empty();
    to_open
}

fn labelled_text(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: f32,
) -> egui::Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(l.id)
}

fn address(ui: &mut egui::Ui, browser: &mut Browser, to_open: &mut Vec<String>) {
    ui.horizontal(|ui| {
        let r = labelled_text(
            ui,
            "Address",
            &mut browser.address,
            "s3://bucket/key or https://... (pre-signed URLs work)",
            480.0,
        );
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let valid =
            crate::source::Source::parse(browser.address.trim()).is_ok_and(|s| s.is_remote());
        if (ui.add_enabled(valid, egui::Button::new("Open")).clicked() || enter) && valid {
            to_open.push(browser.address.trim().to_owned());
        }
    });
}

fn connection(ui: &mut egui::Ui, browser: &Browser, settings: &mut RemoteSettings) {
    ui.horizontal(|ui| {
        let shown = if settings.profile.is_empty() {
            "(default chain)".to_owned()
        } else {
            settings.profile.clone()
        };
        egui::ComboBox::from_label("Profile")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut settings.profile, String::new(), "(default chain)");
                for p in &browser.profiles {
                    ui.selectable_value(&mut settings.profile, p.clone(), p);
                }
            });
        labelled_text(
            ui,
            "Region",
            &mut settings.region,
            "from the profile",
            110.0,
        );
    });
    ui.horizontal(|ui| {
        let hint = match crate::source::remote::env_endpoint() {
            Some(e) => format!("{e} (from the environment)"),
            None => "AWS; or http://minio:9000 for S3-compatible stores".to_owned(),
        };
        labelled_text(ui, "Endpoint URL", &mut settings.endpoint_url, &hint, 300.0);
        ui.checkbox(&mut settings.path_style, "Path-style addressing");
    });
    ui.weak(
        "Credentials come from the AWS chain: environment, ~/.aws profiles, SSO, \
         credential_process, instance and container roles. rtcscope never stores them.",
    );
}

fn browse(
    ui: &mut egui::Ui,
    browser: &mut Browser,
    settings: &RemoteSettings,
    base: &RemoteOptions,
    to_open: &mut Vec<String>,
) {
    let ctx = ui.ctx().clone();
    let options = settings.options(base);
    let idle = browser.busy().is_none();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(idle, egui::Button::new("List buckets"))
            .clicked()
        {
            browser.request_buckets(options.clone(), &ctx);
        }
        labelled_text(ui, "Bucket", &mut browser.bucket, "bucket", 160.0);
        let r = labelled_text(
            ui,
            "Prefix",
            &mut browser.prefix,
            "folder/ (optional)",
            200.0,
        );
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let can_list = idle && !browser.bucket.trim().is_empty();
        if (ui
            .add_enabled(can_list, egui::Button::new("List"))
            .clicked()
            || enter)
            && can_list
        {
            browser.request_listing(options.clone(), &ctx);
        }
    });
    if let Some(what) = browser.busy() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("{what}..."));
        });
    }
    if let Some(e) = &browser.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if !browser.buckets.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label("Buckets:");
            let mut chosen = None;
            for b in &browser.buckets {
                if ui
                    .selectable_label(browser.bucket == b.name, &b.name)
                    .clicked()
                {
                    chosen = Some(b.name.clone());
                }
            }
            if let Some(name) = chosen
                && browser.busy().is_none()
            {
                browser.bucket = name;
                browser.prefix.clear();
                browser.request_listing(options.clone(), &ctx);
            }
        });
    }
    let Some((uri, listing)) = browser.listing.clone() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.strong(format!("s3://{}/{}", uri.bucket, uri.key));
        if !uri.key.is_empty()
            && ui
                .add_enabled(browser.busy().is_none(), egui::Button::new("Up"))
                .clicked()
        {
            let trimmed = uri.key.trim_end_matches('/');
            browser.bucket = uri.bucket.clone();
            browser.prefix = trimmed
                .rfind('/')
                .map_or_else(String::new, |i| trimmed[..=i].to_owned());
            browser.request_listing(options.clone(), &ctx);
        }
    });
    ui.horizontal(|ui| {
        labelled_text(
            ui,
            "Name contains",
            &mut browser.name_filter,
            "e.g. conference id",
            160.0,
        );
        labelled_text(ui, "Modified from", &mut browser.after, "YYYY-MM-DD", 90.0);
        labelled_text(ui, "to", &mut browser.before, "YYYY-MM-DD", 90.0);
    });
    let (after, before) = browser.date_range();
    for (text, parsed) in [(&browser.after, after), (&browser.before, before)] {
        if !text.trim().is_empty() && parsed.is_none() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("{text:?} is not a YYYY-MM-DD day; ignored"),
            );
        }
    }
    let shown: Vec<_> = listing
        .filtered(&browser.name_filter, after, before)
        .cloned()
        .collect();
    let mut navigate = None;
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("s3 objects")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("Key");
                    ui.strong("Size");
                    ui.strong("Modified (UTC)");
                    ui.end_row();
                    for p in &listing.prefixes {
                        let name = p.strip_prefix(uri.key.as_str()).unwrap_or(p);
                        if ui.link(format!("{name}  (folder)")).clicked() {
                            navigate = Some(p.clone());
                        }
                        ui.label("");
                        ui.label("");
                        ui.end_row();
                    }
                    for o in &shown {
                        let mut ticked = browser.selected.contains(&o.key);
                        let name = o.key.strip_prefix(uri.key.as_str()).unwrap_or(&o.key);
                        if ui.checkbox(&mut ticked, name).changed() {
                            if ticked {
                                browser.selected.insert(o.key.clone());
                            } else {
                                browser.selected.remove(&o.key);
                            }
                        }
                        ui.label(human_bytes(o.size));
                        ui.label(o.modified.map(day_time).unwrap_or_default());
                        ui.end_row();
                    }
                });
            if listing.truncated {
                ui.weak("The listing stopped at 100,000 objects: narrow the prefix.");
            }
        });
    if let Some(p) = navigate
        && browser.busy().is_none()
    {
        browser.bucket = uri.bucket.clone();
        browser.prefix = p;
        browser.request_listing(options, &ctx);
    }
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} of {} objects shown",
            shown.len(),
            listing.objects.len()
        ));
        if ui.button("Select shown").clicked() {
            browser.selected.extend(shown.iter().map(|o| o.key.clone()));
        }
        if ui.button("Select none").clicked() {
            browser.selected.clear();
        }
        let n = browser.selected.len();
        if ui
            .add_enabled(n > 0, egui::Button::new(format!("Open selected ({n})")))
            .clicked()
        {
            browser.bucket = uri.bucket.clone();
            to_open.extend(browser.selected_sources());
        }
    });
}

fn cache(ui: &mut egui::Ui, browser: &mut Browser, base: &RemoteOptions) {
    let Some(cache) = &base.cache else {
        ui.weak("Download cache: off (--no-cache).");
        return;
    };
    ui.horizontal(|ui| {
        let u = browser.cache_usage.unwrap_or_default();
        ui.label(format!(
            "Download cache: {} object{}, {} of {} ({})",
            u.entries,
            if u.entries == 1 { "" } else { "s" },
            human_bytes(u.bytes),
            human_bytes(cache.max_bytes()),
            cache.dir().display()
        ));
        let idle = !browser.reading_local();
        if ui
            .add_enabled(idle && u.entries > 0, egui::Button::new("Clear cache"))
            .clicked()
        {
            browser.request_clear(cache.clone(), ui.ctx());
        }
    });
}

fn day_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}
