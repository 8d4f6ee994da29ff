//! The packaging inputs hold together: the generated icons are what their names say, the
//! desktop entry and MIME types agree, and every file the installers reference exists.
//! (`.ci/run` also builds the `.deb`, installs it and checks the installed app.)

use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap();
    (img.width(), img.height())
}

#[test]
fn every_png_size_is_rendered_at_its_size() {
    for size in [16, 24, 32, 48, 64, 128, 256, 512, 1024] {
        let bytes = std::fs::read(repo(&format!("assets/icons/rtcscope-{size}.png"))).unwrap();
        assert_eq!(png_size(&bytes), (size, size));
    }
}

#[test]
fn the_ico_holds_seven_png_images() {
    let ico = std::fs::read(repo("assets/rtcscope.ico")).unwrap();
    let u16le = |at: usize| u16::from_le_bytes([ico[at], ico[at + 1]]);
    let u32le = |at: usize| u32::from_le_bytes(ico[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!((u16le(0), u16le(2)), (0, 1), "reserved, type 1 = icon");
    let count = u16le(4) as usize;
    assert_eq!(count, 7);
    let mut sizes = Vec::new();
    for i in 0..count {
        let entry = 6 + 16 * i;
        let (len, offset) = (u32le(entry + 8), u32le(entry + 12));
        let (w, h) = png_size(&ico[offset..offset + len]);
        let dim = |b: u8| if b == 0 { 256 } else { u32::from(b) };
        assert_eq!((dim(ico[entry]), dim(ico[entry + 1])), (w, h));
        sizes.push(w);
    }
    assert_eq!(sizes, [16, 24, 32, 48, 64, 128, 256]);
}

#[test]
fn the_icns_holds_every_retina_size() {
    let icns = std::fs::read(repo("assets/rtcscope.icns")).unwrap();
    assert_eq!(&icns[..4], b"icns");
    let total = u32::from_be_bytes(icns[4..8].try_into().unwrap()) as usize;
    assert_eq!(total, icns.len());
    let mut at = 8;
    let mut found = Vec::new();
    while at < icns.len() {
        let kind = std::str::from_utf8(&icns[at..at + 4]).unwrap().to_owned();
        let len = u32::from_be_bytes(icns[at + 4..at + 8].try_into().unwrap()) as usize;
        let (w, _) = png_size(&icns[at + 8..at + len]);
        found.push((kind, w));
        at += len;
    }
    let want: Vec<(String, u32)> = [
        ("icp4", 16),
        ("icp5", 32),
        ("icp6", 64),
        ("ic07", 128),
        ("ic08", 256),
        ("ic09", 512),
        ("ic10", 1024),
    ]
    .iter()
    .map(|(k, s)| (k.to_string(), *s))
    .collect();
    assert_eq!(found, want);
}

#[test]
fn the_desktop_entry_and_mime_types_agree() {
    let desktop = std::fs::read_to_string(repo("packaging/linux/rtcscope.desktop")).unwrap();
    let key = |k: &str| {
        desktop
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("{k} missing"))
            .to_owned()
    };
    assert_eq!(
        key("Exec"),
        "rtcscope %F",
        "files from the file manager reach argv"
    );
    assert_eq!(key("Icon"), "rtcscope");
    assert_eq!(
        key("StartupWMClass"),
        "rtcscope",
        "the app id the window sets"
    );
    let mime = std::fs::read_to_string(repo("packaging/linux/rtcscope-mime.xml")).unwrap();
    for declared in [
        "application/x-rtcstats-dump",
        "application/x-webrtc-internals-dump",
    ] {
        assert!(mime.contains(&format!("type=\"{declared}\"")));
        assert!(
            key("MimeType").split(';').any(|m| m == declared),
            "{declared}"
        );
    }
    // The magic is what the decoder itself sniffs for rtcstats v3.
    let sample = std::fs::read(repo("fixtures/rtcstats-v3-gumonly.jsonl")).unwrap();
    assert!(sample.starts_with(b"RTCStatsDump"));
    assert!(mime.contains(r#"value="RTCStatsDump""#));
}

#[test]
fn installer_inputs_exist() {
    let nsi = std::fs::read_to_string(repo("packaging/windows/installer.nsi")).unwrap();
    for rel in ["assets/rtcscope.ico", "LICENSE"] {
        assert!(
            nsi.contains(&rel.replace('/', "\\")),
            "{rel} in installer.nsi"
        );
        assert!(repo(rel).is_file(), "{rel}");
    }
    let rc = std::fs::read_to_string(repo("packaging/windows/rtcscope.rc")).unwrap();
    assert!(rc.contains("1 ICON \"@ICON@\""));
    let cargo = std::fs::read_to_string(repo("Cargo.toml")).unwrap();
    let icons = cargo
        .lines()
        .find_map(|l| l.strip_prefix("icons = "))
        .expect("packager icons");
    for icon in icons.trim_matches(['[', ']']).split(", ") {
        let rel = icon.trim_matches('"');
        assert!(repo(rel).is_file(), "{rel}");
    }
    for script in [
        "packaging/build-deb.sh",
        "packaging/build-windows.sh",
        "packaging/make-icons.sh",
    ] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(repo(script)).unwrap().permissions(),
        );
        assert!(mode & 0o111 != 0, "{script} is executable");
    }
}
