//! Setting up a desk: a fresh estate with its first supervisor ([`init`]), or realistic demo data
//! for one estate ([`load`]).
//!
//! Invariants: both refuse a database that already has an estate, so nothing real is ever mixed
//! with demo data; demo data is deterministic for a seed and dated up to the store's clock.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::estate::{self, Estate, EstateInput, StaffInput};
use crate::store::Store;
use crate::Actor;

/// The seed `frontdesk demo` uses.
pub const DEMO_SEED: u64 = 20261123;

/// The departments a new estate starts with.
pub const DEFAULT_DEPARTMENTS: &[&str] =
    &["客服中心", "工程维修部", "保安部", "保洁绿化", "财务部"];

fn refuse_if_set_up(store: &Store) -> Result<()> {
    if !estate::estates(store.conn())?.is_empty() {
        return Err(Error::State("数据库中已有小区，不能重复初始化".into()));
    }
    Ok(())
}

/// Creates the estate, its default departments and the first supervisor.
pub fn init(
    store: &mut Store,
    name: &str,
    code: &str,
    slip_title: Option<&str>,
    admin_login: &str,
    admin_name: &str,
    admin_password: &str,
) -> Result<Estate> {
    refuse_if_set_up(store)?;
    store.write(&Actor::system(), |w| {
        let e = estate::create_estate(
            w,
            &EstateInput {
                name: Some(name.into()),
                code: Some(code.into()),
                slip_title: slip_title.map(str::to_string),
            },
        )?;
        for d in DEFAULT_DEPARTMENTS {
            estate::add_department(w, &e.id, Some(d))?;
        }
        estate::add_staff(
            w,
            &e.id,
            &StaffInput {
                login: Some(admin_login.into()),
                name: Some(admin_name.into()),
                role: Some("supervisor".into()),
                department: Some("客服中心".into()),
                phone: None,
                password: Some(admin_password.into()),
            },
        )?;
        Ok(e)
    })
}

/// What [`load`] created.
#[derive(Debug, Default, Serialize)]
pub struct DemoSummary {
    pub estate: String,
    pub staff_password: String,
    pub units: usize,
    pub customers: usize,
    pub intakes: usize,
    pub complaints: usize,
    pub slips: usize,
    pub repairs: usize,
    pub followups: usize,
}

/// Loads demo data (in progress: estate and staff only).
pub fn load(store: &mut Store, _seed: u64) -> Result<DemoSummary> {
    refuse_if_set_up(store)?;
    Err(Error::State("演示数据尚未完成".into()))
}

/// Realistic words for generated contacts: (kind, what happened, what the customer asks).
const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "投诉",
        "楼上卫生间漏水，我家天花板发霉掉皮",
        "请尽快联系楼上业主维修并赔偿",
    ),
    (
        "投诉",
        "地下车库有人乱停车，堵住了我的车位",
        "要求保安处理并加强巡查",
    ),
    (
        "投诉",
        "晚上十一点还有装修噪音，影响休息",
        "要求物业制止夜间施工",
    ),
    (
        "投诉",
        "保洁员把垃圾堆在楼道里两天没清理",
        "要求立即清理并给出说明",
    ),
    (
        "投诉",
        "物业费账单多收了两个月的费用",
        "核对账目并退还多收部分",
    ),
    (
        "投诉",
        "保安态度恶劣，对访客大声呵斥",
        "要求道歉并处理相关人员",
    ),
    ("投诉", "小区绿化带被人占用种菜", "要求恢复绿化"),
    (
        "投诉",
        "电梯经常停运，老人上下楼困难",
        "要求电梯公司彻底检修",
    ),
    (
        "投诉",
        "高空抛物砸坏了停在楼下的电动车",
        "查找抛物住户并赔偿损失",
    ),
    ("投诉", "快递柜长期故障无人维修", "尽快修复快递柜"),
    ("报修", "厨房水管接头漏水，地面积水", "请派维修工上门"),
    ("报修", "客厅插座没电，空气开关跳闸", "今天下午上门检修"),
    ("报修", "卫生间马桶堵塞，无法冲水", "尽快疏通"),
    ("报修", "楼道声控灯不亮已经一周", "更换灯泡"),
    ("报修", "入户门锁芯损坏，钥匙打不开", "更换锁芯"),
    ("报修", "阳台地漏返味，排水很慢", "上门检查疏通"),
    ("报修", "外墙渗水导致卧室墙面起皮", "检查外墙防水"),
    ("报修", "单元门禁刷卡无反应", "维修门禁"),
    ("报修", "燃气热水器打不着火", "联系燃气公司检修"),
    ("报修", "窗户密封条老化，下雨漏风进水", "更换密封条"),
    ("咨询", "想了解装修申请需要哪些材料", "告知办理流程"),
    ("咨询", "询问物业费缴纳方式和优惠政策", "说明缴费方式"),
    ("咨询", "车位租赁还有没有空位", "告知车位情况"),
    ("咨询", "停水通知什么时候恢复供水", "告知恢复时间"),
    ("建议", "建议在小区门口增加电动车充电桩", "转有关部门研究"),
    ("建议", "建议延长会所游泳池的开放时间", "反馈管理处"),
    ("建议", "建议增加儿童游乐设施", "纳入年度计划"),
    (
        "表扬",
        "维修师傅服务热情，当天就修好了水管",
        "表扬维修部孙师傅",
    ),
    ("表扬", "保安帮忙把老人送回家", "表扬保安部"),
];

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "建国", "丽华", "志强", "海燕", "晓东",
];

/// A random person's name.
pub fn random_name(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.usize(..SURNAMES.len())],
        GIVEN[rng.usize(..GIVEN.len())]
    )
}

/// A random mobile number.
pub fn random_mobile(rng: &mut fastrand::Rng) -> String {
    const PREFIXES: &[&str] = &[
        "138", "139", "135", "136", "150", "151", "186", "187", "177", "199",
    ];
    format!(
        "{}{:08}",
        PREFIXES[rng.usize(..PREFIXES.len())],
        rng.u32(..100_000_000)
    )
}

/// A random contact as a clerk would record it, at one of `units`, received at `received_at`.
pub fn random_intake(
    rng: &mut fastrand::Rng,
    units: &[String],
    received_at: &str,
) -> crate::intake::IntakeInput {
    let (kind, content, request) = PROBLEMS[rng.usize(..PROBLEMS.len())];
    let channel = [
        "来电",
        "来电",
        "来电",
        "来访",
        "来访",
        "网络",
        "来函传真",
        "委托转告",
    ][rng.usize(..8)];
    let unit = units[rng.usize(..units.len())].clone();
    let detail = match rng.u8(..4) {
        0 => format!("，已经是第{}次反映了", rng.u8(2..5)),
        1 => "，情况比较急".to_string(),
        _ => String::new(),
    };
    crate::intake::IntakeInput {
        received_at: Some(received_at.to_string()),
        channel: Some(channel.into()),
        kind: Some(kind.into()),
        person_name: Some(random_name(rng)),
        phone: Some(random_mobile(rng)),
        content: Some(format!("{content}{detail}")),
        request: Some(request.into()),
        unit: Some(unit),
        ..Default::default()
    }
}
