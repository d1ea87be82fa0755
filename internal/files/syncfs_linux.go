package files

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// syncFS is syncfs(2): one call writes back every file of the file system
// and commits its journal once, however many files a group staged. It
// reports write-back errors since Linux 5.8 (earlier kernels return 0). A
// sandbox that refuses the call (ENOSYS) gets the fallback.
func syncFS(root *os.File) error {
	conn, err := root.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := conn.Control(func(fd uintptr) { serr = unix.Syncfs(int(fd)) }); err != nil {
		return err
	}
	switch {
	case errors.Is(serr, unix.ENOSYS):
		return errors.ErrUnsupported
	case serr != nil:
		return &os.SyscallError{Syscall: "syncfs", Err: serr}
	}
	return nil
}
