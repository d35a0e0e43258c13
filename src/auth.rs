//! Staff log-in with an argon2 password hash, giving the [`Actor`] every write carries.
//!
//! Invariants: passwords are only ever stored as argon2id PHC strings; a failed log-in says the same
//! thing for an unknown login and a wrong password; after [`MAX_FAILED_LOGINS`] failures in a row the
//! account is locked until a supervisor sets a new password.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension};

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
pub fn login(store: &mut Store, login: &str, password: &str) -> Result<Actor> {
    let denied = || Error::Denied("用户名或密码错误".into());
    let row = store
        .conn()
        .query_row(
            "SELECT id, name, role, estate_id, password_hash, failed_logins, voided_at
             FROM staff WHERE login = ?1",
            params![login.trim()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Role>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
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
        store.write(&actor, |w| {
            w.tx.execute(
                "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1",
                params![id],
            )?;
            w.audit("login_failed", "staff", &id, serde_json::json!({}))
        })?;
        Err(denied())
    }
}
