//! Staff log-in with an argon2 password hash, giving the [`Actor`] every write carries.
//!
//! Invariants: passwords are only ever stored as argon2id PHC strings; a failed log-in says the same
//! thing for an unknown login and a wrong password; after [`MAX_FAILED_LOGINS`] failures in a row the
//! account is locked until a supervisor sets a new password.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rusqlite::params;

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::vocab::Role;

/// Failed log-ins in a row before an account is locked.
pub const MAX_FAILED_LOGINS: i64 = 5;

/// Roles that may change set-up, tiers and policy, and void records.
pub const SUPERVISORS: &[Role] = &[
    Role::Supervisor,
    Role::ProjectManager,
    Role::GmAssistant,
    Role::GeneralManager,
];

/// Hashes a password (argon2id, random salt). Checks the password's length first.
pub fn hash_password(password: &str) -> Result<String> {
    let n = password.chars().count();
    if n < 6 {
        return Err(Error::invalid("password", "密码", "至少 6 位"));
    }
    if n > 128 {
        return Err(Error::invalid("password", "密码", "最多 128 位"));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Corrupt(format!("密码哈希失败：{e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Logs a staff member in. Counts failures; a locked or voided account cannot log in.
///
/// A login is unique within its estate. On a desk holding several estates (the head office) a
/// login found in more than one must be written `小区代码/登录名` (`LH/wang`); `/` is never part
/// of a login.
pub fn login(store: &mut Store, login: &str, password: &str) -> Result<Actor> {
    let denied = || Error::Denied("用户名或密码错误".into());
    let (code, login) = match login.trim().split_once('/') {
        Some((code, login)) => (Some(code.trim()), login.trim()),
        None => (None, login.trim()),
    };
    let mut rows = store
        .conn()
        .prepare(
            "SELECT s.id, s.name, s.role, s.estate_id, s.password_hash, s.failed_logins,
                    s.voided_at, e.code
             FROM staff s JOIN estates e ON e.id = s.estate_id
             WHERE s.login = ?1 AND (?2 IS NULL OR e.code = upper(?2))
             ORDER BY e.code",
        )?
        .query_map(params![login, code], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Role>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if rows.len() > 1 {
        let codes: Vec<&str> = rows.iter().map(|r| r.7.as_str()).collect();
        return Err(Error::invalid(
            "login",
            "登录名",
            format!(
                "{}都有“{login}”，请写作 小区代码/登录名，如 {}/{login}",
                codes.join("、"),
                codes[0]
            ),
        ));
    }
    let row = rows
        .pop()
        .map(|(a, b, c, d, e, f, g, _)| (a, b, c, d, e, f, g));
    let Some((id, name, role, estate_id, hash, failed, voided)) = row else {
        return Err(denied());
    };
    if voided.is_some() {
        return Err(Error::Denied("该账户已停用".into()));
    }
    if failed >= MAX_FAILED_LOGINS {
        return Err(Error::Denied(
            "密码错误次数过多，账户已锁定，请联系客服主管重设密码".into(),
        ));
    }
    let actor = Actor {
        staff_id: id.clone(),
        name,
        role,
        estate_id,
    };
    if verify_password(password, &hash) {
        if failed > 0 {
            store.conn().execute(
                "UPDATE staff SET failed_logins = 0 WHERE id = ?1",
                params![id],
            )?;
        }
        Ok(actor)
    } else {
        store.write_own(&actor, |w| {
            w.tx.execute(
                "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1",
                params![id],
            )?;
            w.audit("login_failed", "staff", &id, serde_json::json!({}))
        })?;
        Err(denied())
    }
}
