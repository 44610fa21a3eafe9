// Package auth is the admin handler's authentication: configured users with
// the admin and viewer roles, PBKDF2 password hashes compared in constant
// time, HMAC-signed expiring session tokens (in a header or an HttpOnly
// cookie), double-submit CSRF tokens for cookie sessions, throttled logins
// and revocations stored through the engine so they survive restarts and
// reach every instance. The REST API's login and the dashboard's sign-in
// both go through Authenticator.Login.
package auth
