-- A login is unique within its estate, not across the database: a head-office desk holds the
-- staff of many estates, and two estates may both have a `wang` (#19). Signing in on such a desk
-- takes `小区代码/登录名` when a login is in several estates (auth::login).
DROP INDEX staff_login;
CREATE UNIQUE INDEX staff_login ON staff(estate_id, login);
