//! Estate set-up: the estate (小区/项目), its departments, staff and units (楼栋-单元-室).
//!
//! Invariants: an estate's code is unique and prefixes its human numbers; department names are
//! unique per estate among live departments; logins are unique per estate; a unit's canonical code
//! (`3-2-1201`) is unique per estate. Nothing here is deleted: staff and departments are voided.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::auth::{self, SUPERVISORS};
use crate::error::{Error, Result};
use crate::store::Write;
use crate::validate::{self, TextRule};
use crate::vocab::Role;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Estate {
    pub id: String,
    pub name: String,
    pub code: String,
    pub slip_title: String,
}

/// Input for a new estate.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct EstateInput {
    pub name: Option<String>,
    /// 2–6 letters or digits, e.g. `LH`.
    pub code: Option<String>,
    /// Defaults to "{name}协调单".
    pub slip_title: Option<String>,
}

const ESTATE_NAME: TextRule = TextRule::line("name", "小区名称", 40);
const ESTATE_CODE: TextRule = TextRule::line("code", "小区代码", 6);
const SLIP_TITLE: TextRule = TextRule::line("slip_title", "协调单标题", 40);
const DEPT_NAME: TextRule = TextRule::line("name", "部门名称", 30);
const STAFF_LOGIN: TextRule = TextRule::line("login", "登录名", 32);
const STAFF_NAME: TextRule = TextRule::line("name", "姓名", 30);
const REASON: TextRule = TextRule::text("reason", "原因", 500);

/// Creates an estate.
pub fn create_estate(w: &mut Write, input: &EstateInput) -> Result<Estate> {
    w.actor.require(SUPERVISORS, "设立小区")?;
    let name = ESTATE_NAME.required(input.name.as_deref())?;
    let code = ESTATE_CODE.required(input.code.as_deref())?.to_uppercase();
    if code.len() < 2 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            "code",
            "小区代码",
            "应为 2–6 位字母或数字，如 LH",
        ));
    }
    let slip_title = SLIP_TITLE
        .optional(input.slip_title.as_deref())?
        .unwrap_or_else(|| format!("{name}协调单"));
    let exists: bool =
        w.tx.query_row(
            "SELECT 1 FROM estates WHERE code = ?1",
            params![code],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if exists {
        return Err(Error::invalid(
            "code",
            "小区代码",
            format!("“{code}”已被使用"),
        ));
    }
    let e = Estate {
        id: w.new_id(),
        name,
        code,
        slip_title,
    };
    w.tx.execute(
        "INSERT INTO estates(id, name, code, slip_title, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
        params![e.id, e.name, e.code, e.slip_title, w.now_db, w.actor.staff_id],
    )?;
    w.audit_insert("estate", &e.id, &e)?;
    Ok(e)
}

fn estate_row(r: &Row) -> rusqlite::Result<Estate> {
    Ok(Estate {
        id: r.get(0)?,
        name: r.get(1)?,
        code: r.get(2)?,
        slip_title: r.get(3)?,
    })
}

/// All live estates.
pub fn estates(conn: &Connection) -> Result<Vec<Estate>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, code, slip_title FROM estates WHERE voided_at IS NULL ORDER BY created_at",
    )?;
    let rows = stmt.query_map([], estate_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An estate by id or code.
pub fn estate(conn: &Connection, id_or_code: &str) -> Result<Estate> {
    conn.query_row(
        "SELECT id, name, code, slip_title FROM estates WHERE id = ?1 OR code = upper(?1)",
        params![id_or_code.trim()],
        estate_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("小区", id_or_code))
}

/// The desk's estate when the database holds exactly one (the usual case).
pub fn only_estate(conn: &Connection) -> Result<Estate> {
    let mut all = estates(conn)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(Error::State(
            "尚未设立小区，请先运行初始化（frontdesk init）".into(),
        )),
        _ => Err(Error::State("数据库中有多个小区，请指定小区代码".into())),
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Department {
    pub id: String,
    pub estate_id: String,
    pub name: String,
}

/// Adds a department.
pub fn add_department(w: &mut Write, estate_id: &str, name: Option<&str>) -> Result<Department> {
    w.actor.require(SUPERVISORS, "增加部门")?;
    let name = DEPT_NAME.required(name)?;
    if find_department(&w.tx, estate_id, &name).is_ok() {
        return Err(Error::invalid(
            "name",
            "部门名称",
            format!("“{name}”已存在"),
        ));
    }
    let d = Department {
        id: w.new_id(),
        estate_id: estate_id.to_string(),
        name,
    };
    w.tx.execute(
        "INSERT INTO departments(id, estate_id, name, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
        params![d.id, d.estate_id, d.name, w.now_db, w.actor.staff_id],
    )?;
    w.audit_insert("department", &d.id, &d)?;
    Ok(d)
}

/// A live department by id or name.
pub fn find_department(conn: &Connection, estate_id: &str, id_or_name: &str) -> Result<Department> {
    conn.query_row(
        "SELECT id, estate_id, name FROM departments
         WHERE estate_id = ?1 AND (id = ?2 OR name = ?2) AND voided_at IS NULL",
        params![estate_id, id_or_name.trim()],
        |r| {
            Ok(Department {
                id: r.get(0)?,
                estate_id: r.get(1)?,
                name: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("部门", id_or_name))
}

/// Resolves an optional department reference given in a form, naming the field on error.
pub fn department_field(
    conn: &Connection,
    estate_id: &str,
    field: &'static str,
    label: &'static str,
    value: Option<&str>,
) -> Result<Option<Department>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => find_department(conn, estate_id, v)
            .map(Some)
            .map_err(|_| Error::invalid(field, label, format!("未知部门“{v}”"))),
    }
}

/// The estate's live departments.
pub fn departments(conn: &Connection, estate_id: &str) -> Result<Vec<Department>> {
    let mut stmt = conn.prepare(
        "SELECT id, estate_id, name FROM departments WHERE estate_id = ?1 AND voided_at IS NULL
         ORDER BY created_at",
    )?;
    let rows = stmt.query_map(params![estate_id], |r| {
        Ok(Department {
            id: r.get(0)?,
            estate_id: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Staff {
    pub id: String,
    pub estate_id: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

/// Input for a new staff member.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct StaffInput {
    pub login: Option<String>,
    pub name: Option<String>,
    /// Code or Chinese label (`receptionist` / `前台接待员`).
    pub role: Option<String>,
    /// Department name or id.
    pub department: Option<String>,
    pub phone: Option<String>,
    pub password: Option<String>,
}

/// Adds a staff member with a password.
pub fn add_staff(w: &mut Write, estate_id: &str, input: &StaffInput) -> Result<Staff> {
    w.actor.require(SUPERVISORS, "增加员工")?;
    let login = STAFF_LOGIN.required(input.login.as_deref())?;
    if !login
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(Error::invalid("login", "登录名", "只能用字母、数字、_ . -"));
    }
    let name = STAFF_NAME.required(input.name.as_deref())?;
    let role = Role::parse(
        "role",
        "岗位",
        input
            .role
            .as_deref()
            .ok_or_else(|| Error::invalid("role", "岗位", "必填，不能为空"))?,
    )?;
    let dept = department_field(
        &w.tx,
        estate_id,
        "department",
        "部门",
        input.department.as_deref(),
    )?;
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(validate::phone("phone", "电话", p)?),
        None => None,
    };
    let password = input
        .password
        .as_deref()
        .ok_or_else(|| Error::invalid("password", "密码", "必填，不能为空"))?;
    let hash = auth::hash_password(password)?;
    let taken =
        w.tx.query_row(
            "SELECT 1 FROM staff WHERE estate_id = ?1 AND login = ?2",
            params![estate_id, login],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(Error::invalid(
            "login",
            "登录名",
            format!("“{login}”已被使用"),
        ));
    }
    let s = Staff {
        id: w.new_id(),
        estate_id: estate_id.to_string(),
        login,
        name,
        role,
        department_id: dept.as_ref().map(|d| d.id.clone()),
        department: dept.map(|d| d.name),
        phone,
        active: true,
    };
    w.tx.execute(
        "INSERT INTO staff(id, estate_id, login, name, role, department_id, phone, password_hash,
                           created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
        params![
            s.id,
            s.estate_id,
            s.login,
            s.name,
            s.role,
            s.department_id,
            s.phone,
            hash,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    w.audit_insert("staff", &s.id, &s)?;
    Ok(s)
}

const STAFF_SELECT: &str =
    "SELECT s.id, s.estate_id, s.login, s.name, s.role, s.department_id, d.name,
        s.phone, s.voided_at IS NULL
    FROM staff s LEFT JOIN departments d ON d.id = s.department_id";

fn staff_row(r: &Row) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        login: r.get(2)?,
        name: r.get(3)?,
        role: r.get(4)?,
        department_id: r.get(5)?,
        department: r.get(6)?,
        phone: r.get(7)?,
        active: r.get(8)?,
    })
}

/// A staff member by id, login or (unique) name, live or not.
pub fn find_staff(conn: &Connection, key: &str) -> Result<Staff> {
    let key = key.trim();
    let mut stmt = conn.prepare(&format!(
        "{STAFF_SELECT} WHERE s.id = ?1 OR s.login = ?1 OR s.name = ?1 ORDER BY s.voided_at IS NOT NULL"
    ))?;
    let mut found: Vec<Staff> = stmt
        .query_map(params![key], staff_row)?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        0 => Err(Error::not_found("员工", key)),
        _ => Ok(found.remove(0)),
    }
}

/// Resolves an optional live staff reference given in a form, naming the field on error.
pub fn staff_field(
    conn: &Connection,
    field: &'static str,
    label: &'static str,
    value: Option<&str>,
) -> Result<Option<Staff>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match find_staff(conn, v) {
            Ok(s) if s.active => Ok(Some(s)),
            Ok(_) => Err(Error::invalid(field, label, format!("员工“{v}”已停用"))),
            Err(_) => Err(Error::invalid(field, label, format!("未知员工“{v}”"))),
        },
    }
}

/// The estate's staff, live first.
pub fn staff_list(conn: &Connection, estate_id: &str) -> Result<Vec<Staff>> {
    let mut stmt = conn.prepare(&format!(
        "{STAFF_SELECT} WHERE s.estate_id = ?1 ORDER BY s.voided_at IS NOT NULL, s.created_at"
    ))?;
    let rows = stmt.query_map(params![estate_id], staff_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a new password (own, or anyone's by a supervisor) and unlocks the account.
pub fn set_password(w: &mut Write, login: &str, password: &str) -> Result<()> {
    let s = find_staff(&w.tx, login)?;
    if s.id != w.actor.staff_id {
        w.actor.require(SUPERVISORS, "重设他人密码")?;
    }
    let hash = auth::hash_password(password)?;
    w.tx.execute(
        "UPDATE staff SET password_hash = ?2, failed_logins = 0, updated_at = ?3, updated_by = ?4
         WHERE id = ?1",
        params![s.id, hash, w.now_db, w.actor.staff_id],
    )?;
    w.audit("password_set", "staff", &s.id, serde_json::json!({}))
}

/// Stops a staff member's account (the record stays, with the reason).
pub fn void_staff(w: &mut Write, login: &str, reason: Option<&str>) -> Result<()> {
    w.actor.require(SUPERVISORS, "停用员工")?;
    let reason = REASON.required(reason)?;
    let s = find_staff(&w.tx, login)?;
    if !s.active {
        return Err(Error::State(format!("员工“{}”已停用", s.name)));
    }
    w.tx.execute(
        "UPDATE staff SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
        params![s.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("staff", &s.id, &reason)
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Unit {
    pub id: String,
    pub estate_id: String,
    pub building: String,
    pub entrance: String,
    pub room: String,
    pub code: String,
    pub area_m2: Option<f64>,
}

fn unit_row(r: &Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        building: r.get(2)?,
        entrance: r.get(3)?,
        room: r.get(4)?,
        code: r.get(5)?,
        area_m2: r.get(6)?,
    })
}

const UNIT_SELECT: &str =
    "SELECT id, estate_id, building, entrance, room, code, area_m2 FROM units";

/// Adds a unit; the code is parsed (`3栋2单元1201` → `3-2-1201`).
pub fn add_unit(w: &mut Write, estate_id: &str, code: &str, area_m2: Option<f64>) -> Result<Unit> {
    let uc = validate::unit_code("unit", "房号", code)?;
    if find_unit(&w.tx, estate_id, &uc.canonical())?.is_some() {
        return Err(Error::invalid(
            "unit",
            "房号",
            format!("“{}”已存在", uc.canonical()),
        ));
    }
    if let Some(a) = area_m2 {
        if !(a > 0.0 && a < 100_000.0) {
            return Err(Error::invalid("area_m2", "建筑面积", "应为正数"));
        }
    }
    insert_unit(w, estate_id, uc, area_m2)
}

/// The unit with this code, created if the register does not have it yet (used by imports).
pub fn ensure_unit(w: &mut Write, estate_id: &str, uc: validate::UnitCode) -> Result<Unit> {
    match find_unit(&w.tx, estate_id, &uc.canonical())? {
        Some(u) => Ok(u),
        None => insert_unit(w, estate_id, uc, None),
    }
}

fn insert_unit(
    w: &mut Write,
    estate_id: &str,
    uc: validate::UnitCode,
    area_m2: Option<f64>,
) -> Result<Unit> {
    let u = Unit {
        id: w.new_id(),
        estate_id: estate_id.to_string(),
        code: uc.canonical(),
        building: uc.building,
        entrance: uc.entrance,
        room: uc.room,
        area_m2,
    };
    w.tx.execute(
        "INSERT INTO units(id, estate_id, building, entrance, room, code, area_m2,
                           created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
        params![
            u.id,
            u.estate_id,
            u.building,
            u.entrance,
            u.room,
            u.code,
            u.area_m2,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    w.audit_insert("unit", &u.id, &u)?;
    Ok(u)
}

/// A unit by canonical code or id.
pub fn find_unit(conn: &Connection, estate_id: &str, code_or_id: &str) -> Result<Option<Unit>> {
    Ok(conn
        .prepare_cached(&format!(
            "{UNIT_SELECT} WHERE estate_id = ?1 AND (code = ?2 OR id = ?2)"
        ))?
        .query_row(params![estate_id, code_or_id], unit_row)
        .optional()?)
}

/// Resolves a unit typed in a form: parsed, and it must be in the register.
pub fn unit_field(
    conn: &Connection,
    estate_id: &str,
    field: &'static str,
    label: &'static str,
    value: Option<&str>,
) -> Result<Option<Unit>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Some(u) = find_unit(conn, estate_id, v)? {
        return Ok(Some(u));
    }
    let uc = validate::unit_code(field, label, v)?;
    find_unit(conn, estate_id, &uc.canonical())?
        .map(Some)
        .ok_or_else(|| {
            Error::invalid(
                field,
                label,
                format!("房号“{}”不在本小区的房屋档案中", uc.canonical()),
            )
        })
}

/// The estate's units in building order.
pub fn units(conn: &Connection, estate_id: &str) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare(&format!(
        "{UNIT_SELECT} WHERE estate_id = ?1 AND voided_at IS NULL
         ORDER BY length(building), building, length(entrance), entrance, length(room), room"
    ))?;
    let rows = stmt.query_map(params![estate_id], unit_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
