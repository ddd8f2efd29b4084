package devdb

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// copyData copies n bytes inside the kernel (sendfile); it falls back to
// io.Copy where the kernel refuses.
func copyData(out, in *os.File, n int64) error {
	for n > 0 {
		w, err := unix.Sendfile(int(out.Fd()), int(in.Fd()), nil, int(min(n, 1<<30)))
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil || w == 0 {
			_, cerr := io.Copy(out, in)
			return cerr
		}
		n -= int64(w)
	}
	return nil
}
