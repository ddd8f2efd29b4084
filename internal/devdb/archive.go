package devdb

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"
)

// A stopped cluster is archived as one tar file: creating its 1,600 files
// one by one on a journaling disk costs 0.3–1.4 s here, writing one file a
// few tens of milliseconds. Most of a cluster is the template's files
// unchanged (a new database starts as a copy of template0), so the archive
// stores only the files that differ and refers to the template for the
// rest: a quarter of the bytes to write, and the rest is copied by the
// kernel at start.

// manifestName is the archive's first entry.
const manifestName = ".schemactl-manifest.json"

type manifest struct {
	Template string            `json:"template"` // the template build referred to (idFile)
	Refs     map[string]string `json:"refs"`     // cluster file -> identical template file
}

// writeArchive writes the cluster in dir to the new tar file dst, referring
// to the template cluster tmpl for the files it holds unchanged.
func writeArchive(dir, tmpl, dst string) error {
	id, err := os.ReadFile(filepath.Join(tmpl, idFile))
	if err != nil {
		return err
	}
	m := manifest{Template: string(id), Refs: map[string]string{}}
	type entry struct {
		rel  string
		info fs.FileInfo
		ref  string // an identical template file
	}
	var all []*entry
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() || info.Mode().IsRegular() { // no sockets or links in a stopped cluster
			rel, _ := filepath.Rel(dir, p)
			all = append(all, &entry{rel: rel, info: info})
		}
		return nil
	})
	if err != nil {
		return err
	}
	index, err := templateIndex(tmpl)
	if err != nil {
		return err
	}
	// Hashing the cluster is most of the work: in parallel.
	var g errgroup.Group
	g.SetLimit(4)
	for _, e := range all {
		if !e.info.IsDir() {
			g.Go(func() error {
				e.ref = index.same(filepath.Join(dir, e.rel), filepath.ToSlash(e.rel), e.info.Size())
				return nil
			})
		}
	}
	g.Wait()
	var stored []*entry
	for _, e := range all {
		if e.ref != "" {
			m.Refs[filepath.ToSlash(e.rel)] = e.ref
		} else {
			stored = append(stored, e)
		}
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(bw)
	mb, _ := json.Marshal(m)
	err = tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(mb)), Typeflag: tar.TypeReg})
	if err == nil {
		_, err = tw.Write(mb)
	}
	for _, e := range stored {
		if err != nil {
			break
		}
		err = addFile(tw, filepath.Join(dir, e.rel), filepath.ToSlash(e.rel), e.info)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	return errors.Join(err, f.Close())
}

func addFile(tw *tar.Writer, p, name string, info fs.FileInfo) error {
	hdr := &tar.Header{Name: name, Mode: int64(info.Mode().Perm()), Size: info.Size(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if info.IsDir() {
		hdr.Name, hdr.Size, hdr.Typeflag = name+"/", 0, tar.TypeDir
		return tw.WriteHeader(hdr)
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	in, err := os.Open(p)
	if err != nil {
		return err
	}
	defer in.Close()
	_, err = io.Copy(tw, in)
	return err
}

// fileSum is a template file's size and SHA-256.
type fileSum struct {
	Size int64  `json:"size"`
	Sum  string `json:"sha256"`
}

// index lists the template's files, so that a snapshot finds the files it
// shares with the template by hashing them, without reading the template.
type index map[string]fileSum

// same returns the template file with the same bytes as the cluster file p
// (at rel, of size bytes), or "": the one at the same path, or, in a
// database directory the template lacks, the same file of template0 or
// template1 (a database created by copying one of them).
func (ix index) same(p, rel string, size int64) string {
	cands := []string{rel}
	if dir, file := path.Split(rel); strings.HasPrefix(dir, "base/") {
		cands = append(cands, "base/4/"+file, "base/1/"+file) // template0, template1
	}
	sum := ""
	for _, c := range cands {
		want, ok := ix[c]
		if !ok || want.Size != size {
			continue
		}
		if sum == "" {
			var err error
			if sum, err = hashFile(p); err != nil {
				return ""
			}
		}
		if sum == want.Sum {
			return c
		}
	}
	return ""
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// indexFile holds the template's index, written with the template.
const indexFile = "schemactl-template-index.json"

// templateIndex reads the template's index.
func templateIndex(tmpl string) (index, error) {
	b, err := os.ReadFile(filepath.Join(tmpl, indexFile))
	if err != nil {
		return nil, err
	}
	var ix index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(tmpl, indexFile), err)
	}
	return ix, nil
}

// writeIndex indexes the cluster in dir, once, when it becomes the template.
func writeIndex(dir string) error {
	ix := index{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		ix[filepath.ToSlash(rel)] = fileSum{Size: info.Size(), Sum: sum}
		return nil
	})
	if err != nil {
		return err
	}
	b, _ := json.Marshal(ix)
	return os.WriteFile(filepath.Join(dir, indexFile), b, 0o644)
}

// extractArchive unpacks the tar file src into dst for o, copying the files
// it refers to from the template cluster tmpl, which must be the build the
// archive was written against.
func extractArchive(src, tmpl, dst string, o owner) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(bufio.NewReaderSize(f, 1<<20))
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName {
		return fmt.Errorf("%s: not a cluster archive", src)
	}
	var m manifest
	if err := json.NewDecoder(tr).Decode(&m); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if id, err := os.ReadFile(filepath.Join(tmpl, idFile)); err != nil || string(id) != m.Template {
		return fmt.Errorf("%s: written against another template cluster", src)
	}
	var g errgroup.Group
	g.SetLimit(4)
	fail := func(err error) error { return errors.Join(err, g.Wait()) }
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(fmt.Errorf("%s: %w", src, err))
		}
		target, err := local(dst, hdr.Name)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", src, err))
		}
		perm := fs.FileMode(hdr.Mode).Perm()
		switch hdr.Typeflag {
		case tar.TypeDir: // directories come before their files
			if err := os.MkdirAll(target, perm); err != nil {
				return fail(err)
			}
			if err := o.chown(target); err != nil {
				return fail(err)
			}
		case tar.TypeReg:
			b := make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, b); err != nil {
				return fail(fmt.Errorf("%s: %w", src, err))
			}
			g.Go(func() error { return writeFile(target, b, perm, o) })
		default:
			return fail(fmt.Errorf("%s: unexpected entry %q", src, hdr.Name))
		}
	}
	if err := copyAll(&g, m.Refs, tmpl, dst, o); err != nil {
		return fail(fmt.Errorf("%s: %w", src, err))
	}
	return g.Wait()
}

// copyAll copies each file from[ref] of fromRoot to file of dst.
func copyAll(g *errgroup.Group, files map[string]string, fromRoot, dst string, o owner) error {
	for rel, ref := range files {
		target, err := local(dst, rel)
		if err != nil {
			return err
		}
		from, err := local(fromRoot, ref)
		if err != nil {
			return err
		}
		g.Go(func() error { return copyFile(from, target, 0o600, o) })
	}
	return nil
}

// local joins a relative archive path to root, refusing paths that leave it.
func local(root, name string) (string, error) {
	name = filepath.FromSlash(strings.TrimSuffix(name, "/"))
	if !filepath.IsLocal(name) {
		return "", fmt.Errorf("unsafe path %q", name)
	}
	return filepath.Join(root, name), nil
}

func writeFile(dst string, b []byte, perm fs.FileMode, o owner) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := out.Write(b); err != nil {
		out.Close()
		return err
	}
	if err := o.chownFile(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
