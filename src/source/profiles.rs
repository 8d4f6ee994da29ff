//! The AWS profiles a user has, for the viewer's profile picker: section names of
//! `~/.aws/config` (`[profile NAME]`, `[default]`) and `~/.aws/credentials` (`[NAME]`),
//! honouring `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, and whether a profile signs
//! in through SSO. Only section names and the SSO keys' names are read; values, keys and
//! secrets in those files are never looked at.

use std::path::PathBuf;

/// Profile names found in the user's AWS files, sorted, `default` first when present.
pub fn list() -> Vec<String> {
    names(
        &read("AWS_CONFIG_FILE", "config"),
        &read("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// Whether `profile` (else `AWS_PROFILE`, else `default`) signs in through IAM Identity
/// Center (SSO), so that a credential failure means its session must be renewed.
pub fn uses_sso(profile: Option<&str>) -> bool {
    let env = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    let name = profile.map(str::to_owned).or(env);
    section_uses_sso(
        &read("AWS_CONFIG_FILE", "config"),
        name.as_deref().unwrap_or("default"),
    )
}

/// One of the user's AWS files: the variable's path, else `~/.aws/<name>`; empty when absent.
fn read(var: &str, name: &str) -> String {
    let path = match std::env::var_os(var) {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => directories::BaseDirs::new().map(|b| b.home_dir().join(".aws").join(name)),
    };
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default()
}

/// Whether the config file's section for `profile` names an SSO session or start URL.
pub fn section_uses_sso(config: &str, profile: &str) -> bool {
    let mut inside = false;
    for line in config.lines() {
        if let Some(section) = header(line) {
            inside = config_profile(section) == Some(profile);
        } else if inside {
            let key = line.split('=').next().unwrap_or_default().trim();
            if key == "sso_session" || key == "sso_start_url" {
                return true;
            }
        }
    }
    false
}

/// The profile a config file's section is about: `[default]` or `[profile NAME]`.
fn config_profile(section: &str) -> Option<&str> {
    if section == "default" {
        return Some(section);
    }
    section
        .strip_prefix("profile")
        .filter(|rest| rest.starts_with([' ', '\t']))
        .map(str::trim)
}

/// Profile names in the text of a config file and a credentials file.
pub fn names(config: &str, credentials: &str) -> Vec<String> {
    let mut out: Vec<String> = sections(config)
        .filter_map(|s| config_profile(s).map(str::to_owned))
        .chain(sections(credentials).map(str::to_owned))
        .filter(|n| !n.is_empty())
        .collect();
    out.sort_by(|a, b| (a != "default", a).cmp(&(b != "default", b)));
    out.dedup();
    out
}

fn sections(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(header)
}

/// The name inside a `[section]` line.
fn header(line: &str) -> Option<&str> {
    let l = line.trim();
    l.strip_prefix('[')?.strip_suffix(']').map(str::trim)
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

    #[test]
    fn sso_profiles_are_recognised_by_their_section() {
        let config = "[default]\nregion = eu-west-1\n[profile prod]\nsso_session = corp\n\
                      [profile old]\nsso_start_url = https://x.awsapps.com/start\n\
                      [profile keys]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n";
        assert!(section_uses_sso(config, "prod"));
        assert!(section_uses_sso(config, "old"));
        assert!(!section_uses_sso(config, "keys"));
        assert!(!section_uses_sso(config, "default"));
        assert!(
            !section_uses_sso(config, "corp"),
            "an sso-session section is not a profile"
        );
        assert!(section_uses_sso("[default]\nsso_session=corp\n", "default"));
    }
}
