package devdb

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Docker is a dev URL in the form Atlas starts a container for,
// docker://postgres/<tag>[/<database>][?search_path=<schema>]. schemactl
// runs it on the embedded dev database of the tag's major version instead:
// no Docker is involved.
type Docker struct {
	Major      int    // the tag's major version; 0 for latest (the newest installed)
	Database   string // the database Atlas would create (informative: each use gets its own)
	SearchPath string // ?search_path: the schema Atlas scopes to (schemactl works on public)
}

// ErrDockerImage means a docker:// dev URL names something the embedded
// dev database cannot stand in for: another database system, PostGIS's or
// pgvector's image, a custom image, or a tag without a version. The error
// is a *DockerError saying which.
var ErrDockerImage = errors.New("not a PostgreSQL image the embedded dev database can run")

// DockerError says why a docker:// dev URL cannot run here.
type DockerError struct{ Reason string }

func (e *DockerError) Error() string        { return e.Reason }
func (e *DockerError) Is(target error) bool { return target == ErrDockerImage }

func dockerErr(format string, args ...any) error {
	return &DockerError{Reason: fmt.Sprintf(format, args...)}
}

// ParseDocker reads a docker:// (or docker+driver://) dev URL as Atlas
// does (cmd/atlas/internal/docker.FromURL): the path's last part is the
// database unless it is the only one; the part before it is the tag. ok
// is false when raw is not a docker URL at all.
func ParseDocker(raw string) (d Docker, ok bool, err error) {
	scheme, _, found := strings.Cut(raw, "://")
	if !found || (scheme != "docker" && !strings.HasPrefix(scheme, "docker+")) {
		return Docker{}, false, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Docker{}, true, fmt.Errorf("devdb: %w", err)
	}
	if scheme != "docker" {
		// docker+postgres://org/image:tag: an image built with what the
		// project needs, which is not here.
		return Docker{}, true, dockerErr("custom images are not run (no Docker here); use docker://postgres/<version> with a baseline that creates what the image adds")
	}
	switch u.Host {
	case "postgres":
	case "postgis", "pgvector":
		return Docker{}, true, dockerErr("the embedded dev database is plain PostgreSQL: use docker://postgres/<version> with the extension installed on this machine (e.g. `apt-get install %s`) and `CREATE EXTENSION` in the migrations or the baseline",
			debianPackage(map[string]string{"postgis": "postgis", "pgvector": "vector"}[u.Host], 0))
	default:
		return Docker{}, true, dockerErr("only PostgreSQL dev databases are supported")
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		parts = nil
	}
	switch {
	case len(parts) > 2:
		return Docker{}, true, dockerErr("want docker://postgres/<version>[/<database>]")
	case len(parts) == 2:
		d.Database = parts[1]
	}
	if len(parts) > 0 {
		if d.Major, err = tagMajor(parts[0]); err != nil {
			return Docker{}, true, err
		}
	}
	d.SearchPath = u.Query().Get("search_path")
	return d, true, nil
}

// tagMajor is the major version of an image tag: 15, 15.4, 15-alpine,
// 15.4-bookworm; latest (or no tag) is 0, the newest installed.
func tagMajor(tag string) (int, error) {
	if tag == "" || tag == "latest" {
		return 0, nil
	}
	digits := tag
	if i := strings.IndexFunc(tag, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = tag[:i]
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n == 0 {
		return 0, dockerErr("tag %q names no PostgreSQL major version (want e.g. 15, 15.4, 15-alpine or latest)", tag)
	}
	return n, nil
}
