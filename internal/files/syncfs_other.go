//go:build !linux

package files

import (
	"errors"
	"os"
)

// syncFS has no portable equivalent: Local falls back to fsyncing each
// file and directory it touched.
func syncFS(*os.File) error { return errors.ErrUnsupported }
