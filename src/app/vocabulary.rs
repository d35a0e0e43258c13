//! The desk's whole vocabulary in one read: every closed vocabulary a face shows, as
//! `[code, label]` pairs in display order, the roles, and which roles are supervisors. The UI
//! loads it once at start (before set-up, sign-in or recovery, which show role and backup labels)
//! and names nothing itself; the codes are the ones the wire carries.

use serde::Serialize;

use crate::auth;
use crate::backup::BackupKind;
use crate::calendar::DaySource;
use crate::vocab::*;

/// One word: its code (as stored and on the wire) and its Chinese label.
pub type Word = (&'static str, &'static str);

/// Every closed vocabulary a face shows, each in display order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Vocabulary {
    /// Staff roles (岗位).
    pub role: Vec<Word>,
    /// The roles that may change set-up, tiers and policy, void records and see personal data
    /// unmasked ([`auth::SUPERVISORS`]).
    pub supervisors: Vec<Role>,
    pub channel: Vec<Word>,
    pub intake_kind: Vec<Word>,
    pub relation: Vec<Word>,
    pub tier: Vec<Word>,
    pub vip_card_status: Vec<Word>,
    pub identification: Vec<Word>,
    pub complaint_status: Vec<Word>,
    pub grade: Vec<Word>,
    pub attempt_method: Vec<Word>,
    pub attempt_result: Vec<Word>,
    pub satisfaction: Vec<Word>,
    pub followup_result: Vec<Word>,
    pub followup_status: Vec<Word>,
    pub slip_status: Vec<Word>,
    pub repair_kind: Vec<Word>,
    pub urgency: Vec<Word>,
    pub repair_scale: Vec<Word>,
    pub repair_status: Vec<Word>,
    pub material_check: Vec<Word>,
    /// Why a backup was taken.
    pub backup_kind: Vec<Word>,
    /// Where a calendar day's status comes from.
    pub day_source: Vec<Word>,
    /// The kinds of attachment file.
    pub media_type: Vec<Word>,
    pub visit_topic: Vec<Word>,
    pub visit_round: Vec<Word>,
    /// The points a repair 回访 checks.
    pub visit_point: Vec<Word>,
    pub notice_status: Vec<Word>,
    /// 赔付: where a claim is, its form, who accepts the work, how it was paid.
    pub claim_status: Vec<Word>,
    pub claim_form: Vec<Word>,
    pub claim_receiver: Vec<Word>,
    pub pay_method: Vec<Word>,
}

// No personal data: the words only. (Beside the type, since the privacy module sits below the
// application layer.)
impl crate::privacy::Plain for Vocabulary {}

/// `all` as words.
fn words<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Word> {
    all.iter().map(|&w| (code(w), label(w))).collect()
}

/// The desk's vocabulary.
pub fn read() -> Vocabulary {
    Vocabulary {
        role: words(Role::ALL, Role::code, Role::label),
        supervisors: auth::SUPERVISORS.to_vec(),
        channel: words(Channel::ALL, Channel::code, Channel::label),
        intake_kind: words(IntakeKind::ALL, IntakeKind::code, IntakeKind::label),
        relation: words(Relation::ALL, Relation::code, Relation::label),
        tier: words(Tier::ALL, Tier::code, Tier::label),
        vip_card_status: words(
            VipCardStatus::ALL,
            VipCardStatus::code,
            VipCardStatus::label,
        ),
        identification: words(
            Identification::ALL,
            Identification::code,
            Identification::label,
        ),
        complaint_status: words(
            ComplaintStatus::ALL,
            ComplaintStatus::code,
            ComplaintStatus::label,
        ),
        grade: words(Grade::ALL, Grade::code, Grade::label),
        attempt_method: words(
            AttemptMethod::ALL,
            AttemptMethod::code,
            AttemptMethod::label,
        ),
        attempt_result: words(
            AttemptResult::ALL,
            AttemptResult::code,
            AttemptResult::label,
        ),
        satisfaction: words(Satisfaction::ALL, Satisfaction::code, Satisfaction::label),
        followup_result: words(
            FollowupResult::ALL,
            FollowupResult::code,
            FollowupResult::label,
        ),
        followup_status: words(
            FollowupStatus::ALL,
            FollowupStatus::code,
            FollowupStatus::label,
        ),
        slip_status: words(SlipStatus::ALL, SlipStatus::code, SlipStatus::label),
        repair_kind: words(RepairKind::ALL, RepairKind::code, RepairKind::label),
        urgency: words(Urgency::ALL, Urgency::code, Urgency::label),
        repair_scale: words(RepairScale::ALL, RepairScale::code, RepairScale::label),
        repair_status: words(RepairStatus::ALL, RepairStatus::code, RepairStatus::label),
        material_check: words(
            MaterialCheck::ALL,
            MaterialCheck::code,
            MaterialCheck::label,
        ),
        backup_kind: words(&BackupKind::ALL, BackupKind::code, BackupKind::label),
        day_source: words(&DaySource::ALL, DaySource::code, DaySource::label),
        media_type: words(MediaType::ALL, MediaType::code, MediaType::label),
        visit_topic: words(VisitTopic::ALL, VisitTopic::code, VisitTopic::label),
        visit_round: words(VisitRound::ALL, VisitRound::code, VisitRound::label),
        visit_point: words(VisitPoint::ALL, VisitPoint::code, VisitPoint::label),
        notice_status: words(NoticeStatus::ALL, NoticeStatus::code, NoticeStatus::label),
        claim_status: words(ClaimStatus::ALL, ClaimStatus::code, ClaimStatus::label),
        claim_form: words(ClaimForm::ALL, ClaimForm::code, ClaimForm::label),
        claim_receiver: words(
            ClaimReceiver::ALL,
            ClaimReceiver::code,
            ClaimReceiver::label,
        ),
        pay_method: words(PayMethod::ALL, PayMethod::code, PayMethod::label),
    }
}
