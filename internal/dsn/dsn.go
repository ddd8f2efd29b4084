// Package dsn hides passwords in PostgreSQL connection strings, so that no
// message, log line or error of schemactl ever prints one.
package dsn

import (
	"net/url"
	"regexp"
	"strings"
)

// mask replaces a password; Atlas prints the same.
const mask = "xxxxx"

// keyValuePassword matches password=... in key/value DSNs ("host=x password=y").
var keyValuePassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// urlPassword matches user:password@ inside a URL embedded in free text.
var urlPassword = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)([^@\s]*)@`)

// portPath is what urlPassword takes for a password in host:port/path/@…,
// a module proxy's URL (…/@v/v1.0.0.zip): a port, then a path.
var portPath = regexp.MustCompile(`^[0-9]+/`)

// Redact returns s with every password it contains replaced by xxxxx. It
// accepts a URL, a key/value DSN, or any text that embeds them (an error
// message, say).
func Redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && !strings.ContainsAny(s, " \t\n") {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), mask)
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", mask)
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	s = urlPassword.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlPassword.FindStringSubmatch(m)
		if portPath.MatchString(sub[2]) {
			return m
		}
		return sub[1] + mask + "@"
	})
	return keyValuePassword.ReplaceAllString(s, "${1}"+mask)
}

// Line is err's text, redacted, on one line. pgx words a failed connection
// as a header and one indented line per attempt, and with the default
// sslmode=prefer it tries TLS and then plain text, so the same line often
// came twice: here each distinct attempt is named once, after "; ".
func Line(err error) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, part := range strings.Split(err.Error(), "\n") {
		part = strings.TrimSpace(part)
		if part == "" || seen[part] {
			continue
		}
		seen[part] = true
		switch s := b.String(); {
		case s == "":
		case strings.HasSuffix(s, ":"):
			b.WriteString(" ")
		default:
			b.WriteString("; ")
		}
		b.WriteString(part)
	}
	return Redact(b.String())
}
