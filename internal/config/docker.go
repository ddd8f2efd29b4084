package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// Docker is a docker "postgres" "NAME" block, Atlas's dev database in a
// container. schemactl has no Docker: its url names the PostgreSQL major
// version and database that the embedded dev database provides instead.
type Docker struct {
	Name     string
	Image    string // e.g. postgres:15.4-alpine
	Schema   string // the search_path of the URL; empty: the whole database
	Baseline string // SQL run on the dev database before anything else
	URL      string // docker://postgres/<major>/dev[?search_path=<schema>]
	At       string // where the block is
	// BaselineAt is where baseline is set, for messages.
	BaselineAt string
}

// DockerDatabase is the database name of a docker block's URL, as Atlas's.
const DockerDatabase = "dev"

// docker evaluates a docker block, when the selected env reaches it.
func (e *evaluator) docker(n *node) (cty.Value, []*node, error) {
	driver, name, _ := strings.Cut(n.name, ".")
	if driver != "postgres" {
		return cty.NilVal, nil, fmt.Errorf("%s: docker %q %q: only docker \"postgres\" blocks are supported: %w", n.rng, driver, name, ErrUnsupported)
	}
	d := &Docker{Name: name, At: n.rng.String()}
	var deps []*node
	for _, a := range sortedAttrs(n.block.Body) {
		var dst *string
		switch a.Name {
		case "image":
			dst = &d.Image
		case "schema":
			dst = &d.Schema
		case "baseline":
			dst, d.BaselineAt = &d.Baseline, a.SrcRange.String()
		default:
			continue
		}
		v, ds, err := e.eval(a.Expr, nil)
		if err != nil {
			return cty.NilVal, nil, err
		}
		if v.IsNull() || v.Type() != cty.String {
			return cty.NilVal, nil, fmt.Errorf("%s: docker %q %q: %s must be a string", a.SrcRange, driver, name, a.Name)
		}
		*dst = v.AsString()
		deps = appendNew(deps, ds...)
	}
	if d.Image == "" {
		return cty.NilVal, nil, fmt.Errorf("%s: docker %q %q has no image (e.g. image = \"postgres:16\")", n.rng, driver, name)
	}
	major, err := imageMajor(d.Image)
	if err != nil {
		return cty.NilVal, nil, fmt.Errorf("%s: docker %q %q: %w", n.rng, driver, name, err)
	}
	u := "docker://postgres/" + major + "/" + DockerDatabase
	if d.Schema != "" {
		u += "?search_path=" + url.QueryEscape(d.Schema)
	}
	d.URL = u
	e.dockers[name] = d
	return urlObject(u), deps, nil
}

// imageMajor is the PostgreSQL major version an image's tag names:
// postgres:15.4-alpine, postgis/postgis:15-3.4 and pgvector/pgvector:pg16
// name 15, 15 and 16; an image with no tag, or a tag with no number
// (latest), is "latest".
func imageMajor(image string) (string, error) {
	ref, _, _ := strings.Cut(image, "@") // a digest pins, but names no version
	tag := ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		tag = ref[i+1:]
	}
	if tag == "" {
		return "latest", nil
	}
	t := strings.TrimPrefix(tag, "pg")
	end := 0
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	switch {
	case end > 0:
		return t[:end], nil
	case tag == "latest" || strings.HasPrefix(tag, "alpine") || strings.HasPrefix(tag, "bookworm") || strings.HasPrefix(tag, "bullseye"):
		return "latest", nil
	}
	return "", fmt.Errorf("image %q: its tag names no PostgreSQL version (want e.g. postgres:16 or postgres:15.4-alpine)", image)
}
