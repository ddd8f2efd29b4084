// Package progresstest reads what progress.Terminal wrote as a person sees
// it, for tests.
package progresstest

import "strings"

// Screen is what a terminal shows after it was sent b: "\r" goes back to
// the start of the line, "\x1b[K" erases to its end, "\n" starts a new
// line, other escape sequences (colours) are dropped and the rest
// overwrites what the line held. A progress line that was erased is gone,
// as it is on the screen, and a line the output left mixed with one shows
// the mix.
func Screen(b []byte) string {
	lines := [][]rune{nil}
	col := 0
	rs := []rune(string(b))
	for i := 0; i < len(rs); i++ {
		row := len(lines) - 1
		switch r := rs[i]; r {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, nil)
			col = 0
		case '\x1b':
			// A CSI sequence: ESC [ parameters, then a final byte in @–~.
			if i+1 < len(rs) && rs[i+1] == '[' {
				j := i + 2
				for j < len(rs) && (rs[j] < '@' || rs[j] > '~') {
					j++
				}
				if j < len(rs) && rs[j] == 'K' && col < len(lines[row]) {
					lines[row] = lines[row][:col]
				}
				i = j
			}
		default:
			for len(lines[row]) < col {
				lines[row] = append(lines[row], ' ')
			}
			if col < len(lines[row]) {
				lines[row][col] = r
			} else {
				lines[row] = append(lines[row], r)
			}
			col++
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return strings.Join(out, "\n")
}
