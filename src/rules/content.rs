//! content/banned-activity: care is not extra lessons (三(四): 坚决禁止违规补课).

use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::plan::FILE;

rule! {
    BannedActivity: "content" / "banned-activity", Error, reads PLAN, "二(三)、三(四)",
    "托管内容是作业辅导、阅读、体育、艺术、科普、游戏等，不得补课或上新课：从 [service] activities 中删去它",
    "care is homework help, reading, sport, art, science and play, never extra lessons: remove it from [service] activities",
}

impl Rule for BannedActivity {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        let banned: Vec<String> = p
            .banned_activities
            .iter()
            .map(|w| w.to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        for a in &p.service.activities.v {
            let lower = a.to_lowercase();
            if let Some(w) = banned.iter().find(|w| lower.contains(w.as_str())) {
                out.push(self.finding(
                    FILE,
                    p.service.activities.line,
                    Msg::new(
                        format!("托管活动“{a}”属于补课（{w}），政策禁止"),
                        format!("the activity “{a}” is extra lessons ({w}), which the policy forbids"),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{at, clean};
    use super::*;

    #[test]
    fn banned_activity() {
        assert!(clean().fired(BannedActivity::ID).is_empty());
        let f = clean().replace("plan.toml", "\"拓展训练\"]", "\"拓展训练\", \"数学补课\"]");
        assert_eq!(f.fired(BannedActivity::ID), at("plan.toml", 29));
    }
}
