package cli

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionText(t *testing.T) {
	platform := " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, tt := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			"schemactl version v1.2.3\ngo1.26.8" + platform},
		{"git checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260102030405-0123456789ab+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
				{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}},
			"schemactl version v0.0.0-20260102030405-0123456789ab+dirty\nrevision 0123456789abcdef0123456789abcdef01234567 (modified), committed 2026-01-02T03:04:05Z\ngo1.26.8" + platform},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"schemactl version - development\ngo1.26.8" + platform},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, versionText(tt.info, true))
		})
	}
	require.Equal(t, "schemactl version - development\n"+runtime.Version()+platform, versionText(nil, false))
}
