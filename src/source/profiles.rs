//! The AWS profiles a user has, for the viewer's profile picker: section names of
//! `~/.aws/config` (`[profile NAME]`, `[default]`) and `~/.aws/credentials` (`[NAME]`),
//! honouring `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`. Only names are read;
//! keys and secrets in those files are never looked at.

use std::path::PathBuf;

/// Profile names found in the user's AWS files, sorted, `default` first when present.
pub fn list() -> Vec<String> {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().join(".aws"));
    let file = |var: &str, name: &str| -> Option<PathBuf> {
        match std::env::var_os(var) {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => home.as_ref().map(|h| h.join(name)),
        }
    };
    let config = file("AWS_CONFIG_FILE", "config")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let credentials = file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    names(&config, &credentials)
}

/// Profile names in the text of a config file and a credentials file.
pub fn names(config: &str, credentials: &str) -> Vec<String> {
    let mut out: Vec<String> = sections(config)
        .filter_map(|s| {
            if s == "default" {
                Some(s.to_owned())
            } else {
                s.strip_prefix("profile")
                    .filter(|rest| rest.starts_with([' ', '\t']))
                    .map(|rest| rest.trim().to_owned())
            }
        })
        .chain(sections(credentials).map(str::to_owned))
        .filter(|n| !n.is_empty())
        .collect();
    out.sort_by(|a, b| (a != "default", a).cmp(&(b != "default", b)));
    out.dedup();
    out
}

fn sections(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let l = line.trim();
        l.strip_prefix('[')?.strip_suffix(']').map(str::trim)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_both_files() {
        let config = "[default]\nregion = eu-west-1\n\n[profile prod]\nsso_session = corp\n[sso-session corp]\nsso_region=us-east-1\n[profile  minio ]\nendpoint_url = http://127.0.0.1:9000\n";
        let credentials = "[default]\naws_access_key_id = AKIA\n[ci]\naws_secret_access_key = x\n";
        assert_eq!(
            names(config, credentials),
            ["default", "ci", "minio", "prod"]
        );
        assert!(names("", "").is_empty());
    }
}
