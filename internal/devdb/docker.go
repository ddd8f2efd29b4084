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
// pgvector's image, a custom image, or a tag without a version.
var ErrDockerImage = errors.New("not a PostgreSQL image the embedded dev database can run")

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
		return Docker{}, true, fmt.Errorf("%w: custom images are not run (no Docker here); use docker://postgres/<version> with a baseline that creates what the image adds", ErrDockerImage)
	}
	switch u.Host {
	case "postgres":
	case "postgis", "pgvector":
		return Docker{}, true, fmt.Errorf("%w: the embedded dev database is plain PostgreSQL; use docker://postgres/<version> with the extension installed on this machine (e.g. `apt-get install %s`) and `CREATE EXTENSION` in the migrations or the baseline",
			ErrDockerImage, debianPackage(map[string]string{"postgis": "postgis", "pgvector": "vector"}[u.Host], 0))
	default:
		return Docker{}, true, fmt.Errorf("%w: only PostgreSQL dev databases are supported", ErrDockerImage)
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		parts = nil
	}
	switch {
	case len(parts) > 2:
		return Docker{}, true, fmt.Errorf("%w: want docker://postgres/<version>[/<database>]", ErrDockerImage)
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
		return 0, fmt.Errorf("%w: tag %q names no PostgreSQL major version (want e.g. 15, 15.4, 15-alpine or latest)", ErrDockerImage, tag)
	}
	return n, nil
}
