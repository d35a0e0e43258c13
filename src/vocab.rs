//! The closed vocabularies of the desk: each word has a stored code (English, stable) and the
//! Chinese label clerks see and may type. Parsing accepts either; storing and JSON output use the
//! code. One macro makes them all, so every vocabulary behaves the same.

use crate::error::{Error, Result};

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $what:literal { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name { $(#[cfg_attr(feature = "specta", specta(rename = $code))] $variant),+ }

        impl $name {
            /// Every word, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What this vocabulary is called, in Chinese.
            pub const WHAT: &'static str = $what;

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The word for a code or a Chinese label.
            pub fn from_text(s: &str) -> Option<Self> {
                let s = s.trim();
                $(if s == $code || s == $label { return Some($name::$variant); })+
                None
            }

            /// Parses a field's value, naming the field in the error.
            pub fn parse(field: &'static str, label: &'static str, s: &str) -> Result<Self> {
                Self::from_text(s).ok_or_else(|| {
                    let choices: Vec<&str> = vec![$($label),+];
                    Error::invalid(field, label, format!("“{}”不是有效的{}，可选：{}", s.trim(), $what, choices.join("、")))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::from_text(&s).ok_or_else(|| serde::de::Error::custom(format!("“{s}”不是有效的{}", $what)))
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.code().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::from_text(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown {} code {s}", stringify!($name)).into()))
            }
        }
    };
}

vocabulary!(
    /// A staff member's role.
    Role, "岗位" {
        Receptionist = "receptionist" / "前台接待员",
        Coordinator = "coordinator" / "协调员",
        Supervisor = "supervisor" / "客服主管",
        ProjectManager = "project_manager" / "项目经理",
        GmAssistant = "gm_assistant" / "总经理助理",
        GeneralManager = "general_manager" / "总经理",
        Repairer = "repairer" / "维修工",
    }
);

vocabulary!(
    /// How a contact came in.
    Channel, "渠道" {
        Call = "call" / "来电",
        Visit = "visit" / "来访",
        Letter = "letter" / "来函传真",
        Online = "online" / "网络",
        Relayed = "relayed" / "委托转告",
    }
);

vocabulary!(
    /// What a contact is.
    IntakeKind, "类型" {
        Complaint = "complaint" / "投诉",
        Repair = "repair" / "报修",
        Enquiry = "enquiry" / "咨询",
        Suggestion = "suggestion" / "建议",
        Praise = "praise" / "表扬",
    }
);

vocabulary!(
    /// A customer's relation to the unit.
    Relation, "身份" {
        Owner = "owner" / "业主",
        Occupant = "occupant" / "住户",
        Tenant = "tenant" / "租户",
        Family = "family" / "家属",
    }
);

vocabulary!(
    /// Customer tier (A VIP, B, C default, D).
    Tier, "客户等级" {
        A = "A" / "A类",
        B = "B" / "B类",
        C = "C" / "C类",
        D = "D" / "D类",
    }
);

vocabulary!(
    /// State of a VIP card.
    VipCardStatus, "VIP卡状态" {
        Active = "active" / "有效",
        Renewed = "renewed" / "已换新卡",
        Revoked = "revoked" / "已取消",
    }
);

vocabulary!(
    /// KF02-02 identification of a complaint.
    Identification, "投诉性质" {
        Valid = "valid" / "有效投诉",
        Coordination = "coordination" / "协调工作",
        Excessive = "excessive" / "过高要求",
        Invalid = "invalid" / "无效投诉",
    }
);

vocabulary!(
    /// Where a complaint is in its life.
    ComplaintStatus, "投诉状态" {
        Registered = "registered" / "已登记",
        Dispatched = "dispatched" / "已派单",
        InHandling = "in_handling" / "处理中",
        AwaitingConfirmation = "awaiting_confirmation" / "待业主确认",
        Closed = "closed" / "已结案",
        Voided = "voided" / "已作废",
    }
);

vocabulary!(
    /// Complaint grade (等级).
    Grade, "投诉等级" {
        General = "general" / "一般",
        Important = "important" / "重要",
        Hot = "hot" / "热点",
        Major = "major" / "重大",
    }
);

vocabulary!(
    /// How a handling attempt was made.
    AttemptMethod, "沟通方式" {
        Phone = "phone" / "电话",
        Visit = "visit" / "上门",
        Meeting = "meeting" / "面谈",
        Letter = "letter" / "书面",
        Online = "online" / "网络",
    }
);

vocabulary!(
    /// What a handling attempt achieved.
    AttemptResult, "沟通结果" {
        InProgress = "in_progress" / "处理中",
        Agreed = "agreed" / "达成一致",
        NotAgreed = "not_agreed" / "未达成一致",
        NoAnswer = "no_answer" / "未联系上",
    }
);

vocabulary!(
    /// The owner's satisfaction at closing or at a follow-up.
    Satisfaction, "满意度" {
        Satisfied = "satisfied" / "满意",
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        Dissatisfied = "dissatisfied" / "不满意",
    }
);

vocabulary!(
    /// A 回访 call's result.
    FollowupResult, "回访结果" {
        Satisfied = "satisfied" / "满意",
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        Dissatisfied = "dissatisfied" / "不满意",
        Unreachable = "unreachable" / "联系不上",
    }
);

vocabulary!(
    /// State of a 回访 task.
    FollowupStatus, "回访状态" {
        Pending = "pending" / "待回访",
        Done = "done" / "已回访",
        Cancelled = "cancelled" / "已取消",
    }
);

vocabulary!(
    /// What a 回访 is about.
    SubjectKind, "回访对象" {
        Complaint = "complaint" / "投诉",
        Repair = "repair" / "维修",
    }
);

vocabulary!(
    /// State of a 协调单.
    SlipStatus, "协调单状态" {
        Created = "created" / "已开单",
        HandedOver = "handed_over" / "已送达",
        Returned = "returned" / "已回收",
        Filed = "filed" / "已归档",
        Voided = "voided" / "已作废",
    }
);

vocabulary!(
    /// Kind of repair.
    RepairKind, "维修类别" {
        House = "house" / "房屋",
        System = "system" / "系统",
        Public = "public" / "公共设施",
        Special = "special" / "特约",
    }
);

vocabulary!(
    /// Repair urgency.
    Urgency, "紧急程度" {
        Normal = "normal" / "一般",
        Urgent = "urgent" / "紧急",
    }
);

vocabulary!(
    /// Size of a shared-facility repair.
    RepairScale, "维修规模" {
        Small = "small" / "小修",
        Medium = "medium" / "中修",
        Large = "large" / "大修",
    }
);

vocabulary!(
    /// Where a repair order is in its life.
    RepairStatus, "维修单状态" {
        Reported = "reported" / "已报修",
        Dispatched = "dispatched" / "已派工",
        Accepted = "accepted" / "已接单",
        Arrived = "arrived" / "已到场",
        Finished = "finished" / "已完工",
        SignedOff = "signed_off" / "业主已签认",
        Closed = "closed" / "已结单",
        Voided = "voided" / "已作废",
    }
);

vocabulary!(
    /// Check of materials the owner supplied.
    MaterialCheck, "自备材料检验" {
        Qualified = "qualified" / "合格",
        Unqualified = "unqualified" / "不合格",
    }
);

vocabulary!(
    /// What an attachment (附件) belongs to. A new kind of case (a 赔付 claim) adds a word here
    /// and a line in `attachments::subject`.
    AttachmentSubject, "附件所属" {
        Intake = "intake" / "登记",
        Complaint = "complaint" / "投诉",
        Repair = "repair" / "维修单",
        Claim = "claim" / "赔付单",
    }
);

vocabulary!(
    /// The kind of an attachment's file, as its content shows (magic bytes), not its name.
    MediaType, "附件类型" {
        Jpg = "jpg" / "JPEG 图片",
        Png = "png" / "PNG 图片",
        Heic = "heic" / "HEIC 图片",
        Pdf = "pdf" / "PDF 文档",
        Mp3 = "mp3" / "MP3 录音",
        M4a = "m4a" / "M4A 录音",
        Wav = "wav" / "WAV 录音",
        Mp4 = "mp4" / "MP4 视频",
        Mov = "mov" / "MOV 视频",
    }
);

vocabulary!(
    /// What a household said on a visit (住宅区管理处回访制度: 意见、要求、建议、投诉).
    VisitTopic, "回访反映类别" {
        Opinion = "opinion" / "意见",
        Request = "request" / "要求",
        Suggestion = "suggestion" / "建议",
        Complaint = "complaint" / "投诉",
    }
);

vocabulary!(
    /// Whose round a household visit belongs to: the area's 物管员 (each quarter) or the office
    /// head (主任, each year).
    VisitRound, "回访类别" {
        Area = "area" / "物管员季度回访",
        Head = "head" / "主任年度回访",
    }
);

vocabulary!(
    /// What a repair 回访 checks (维修回访制度·回访内容, the seed's five points in its order:
    /// 实地查看维修项目；向业主（住户）了解维修人员服务情况；征询改进意见；核对收费情况；请被回访人签名).
    VisitPoint, "回访检查项" {
        Site = "site" / "实地查看维修项目",
        Service = "service" / "维修人员服务情况",
        Suggestions = "suggestions" / "征询改进意见",
        Fees = "fees" / "核对收费情况",
        Signature = "signature" / "被回访人签名",
    }
);

vocabulary!(
    /// A 整改通知单's state: issued (to be delivered in writing to the repairer), delivered
    /// (rework under way), closed (rework done) or voided.
    NoticeStatus, "整改通知单状态" {
        Issued = "issued" / "待送达",
        Delivered = "delivered" / "整改中",
        Closed = "closed" / "已完成",
        Voided = "voided" / "已作废",
    }
);

vocabulary!(
    /// Where a 赔付 claim is in its life.
    ClaimStatus, "赔付状态" {
        Open = "open" / "待回复",
        Replied = "replied" / "已回复",
        Proposed = "proposed" / "已提方案",
        Approved = "approved" / "已核准",
        Agreed = "agreed" / "已签协议",
        Paid = "paid" / "已赔付",
        Voided = "voided" / "已作废",
    }
);

vocabulary!(
    /// How an owner is compensated (赔付形式).
    ClaimForm, "赔付形式" {
        Cash = "cash" / "现金",
        Repair = "repair" / "维修整改",
        FeeWaiver = "fee_waiver" / "减免费用",
        Goods = "goods" / "实物补偿",
        Other = "other" / "其他",
    }
);

vocabulary!(
    /// Who accepts the work of a claim (工程收方), by its amount.
    ClaimReceiver, "工程收方" {
        PropertyEngineering = "property_engineering" / "物业工程",
        DeveloperEngineer = "developer_engineer" / "地产维修工程师",
    }
);

vocabulary!(
    /// How a claim was paid.
    PayMethod, "支付方式" {
        Cash = "cash" / "现金",
        Transfer = "transfer" / "银行转账",
        FeeOffset = "fee_offset" / "抵扣物业费",
        Other = "other" / "其他",
    }
);
