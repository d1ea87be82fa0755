package result

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoCAReuse: a second construction on the same directory reuses the
// root and the units' certificates; a unit renamed gets a new one.
func TestDemoCAReuse(t *testing.T) {
	dir := t.TempDir()
	first, err := OpenDemoCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := first.Cert()
	if root.Subject.CommonName != DemoCAName || !strings.Contains(root.Subject.CommonName, "KHÔNG DÙNG THẬT") || !root.IsCA {
		t.Errorf("root %v", root.Subject)
	}
	issued, err := first.EnsureUnit("000.00.01.H29", "Ủy ban nhân dân phường Ba Đình")
	if err != nil || !issued {
		t.Fatalf("first issue: %v %v", issued, err)
	}
	ks, err := OpenKeyStore(first.KeyDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	k1, err := ks.Key("000.00.01.H29")
	if err != nil {
		t.Fatal(err)
	}
	c := k1.Cert
	if c.Subject.CommonName != "Ủy ban nhân dân phường Ba Đình" || len(c.Subject.Organization) != 1 ||
		c.Subject.Organization[0] != "Ủy ban nhân dân phường Ba Đình" {
		t.Errorf("unit subject %v", c.Subject)
	}
	if years := c.NotAfter.Sub(c.NotBefore).Hours() / 24 / 365; years < 1.9 || years > 2.1 {
		t.Errorf("unit certificate valid %.2f years", years)
	}
	if c.SerialNumber.BitLen() < 64 {
		t.Errorf("serial %v is not random-looking", c.SerialNumber)
	}
	if err := c.CheckSignatureFrom(root); err != nil {
		t.Errorf("unit certificate not issued by the root: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "ca.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("ca.key: %v %v", fi.Mode(), err)
	}

	second, err := OpenDemoCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Cert().Equal(root) {
		t.Error("the second construction made a new root")
	}
	issued, err = second.EnsureUnit("000.00.01.H29", "Ủy ban nhân dân phường Ba Đình")
	if err != nil || issued {
		t.Fatalf("second EnsureUnit: issued %v, %v", issued, err)
	}
	ks2, err := OpenKeyStore(second.KeyDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ks2.Key("000.00.01.H29")
	if err != nil {
		t.Fatal(err)
	}
	if !k2.Cert.Equal(k1.Cert) {
		t.Error("the unit's certificate was reissued")
	}
	// A result signed before the restart verifies against the root after.
	signed, err := ks.Sign(context.Background(), "000.00.01.H29", renderSample(t), signInfo)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Verify(signed, second.Roots()); err != nil || !v.Valid() {
		t.Errorf("Verify after restart: %+v %v", v.Latest(), err)
	}

	// Renamed: a new certificate, which the store reads once told.
	issued, err = second.EnsureUnit("000.00.01.H29", "Ủy ban nhân dân phường Ba Đình mới")
	if err != nil || !issued {
		t.Fatalf("rename: issued %v, %v", issued, err)
	}
	ks2.Forget("000.00.01.H29")
	k3, err := ks2.Key("000.00.01.H29")
	if err != nil || k3.Cert.Subject.CommonName != "Ủy ban nhân dân phường Ba Đình mới" {
		t.Errorf("after rename: %v %v", k3, err)
	}

	if _, err := second.EnsureUnit("../x", "X"); err == nil {
		t.Error("a unit code with a path was accepted")
	}
}

// TestDemoCARenewsExpiring: a unit certificate in its last month is
// replaced on the next EnsureUnit.
func TestDemoCARenewsExpiring(t *testing.T) {
	ca, err := OpenDemoCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// An expiring certificate from the same root, written in place.
	test := &testCA{cert: ca.cert, key: ca.key}
	old := test.issue(t, "ec", "Sở Tư pháp", time.Now().AddDate(0, -23, 0), time.Now().AddDate(0, 0, 10))
	writePEM(t, ca.KeyDir(), "SoTP", old)
	issued, err := ca.EnsureUnit("SoTP", "Sở Tư pháp")
	if err != nil || !issued {
		t.Fatalf("issued %v, %v", issued, err)
	}
	ks, err := OpenKeyStore(ca.KeyDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ks.Key("SoTP")
	if err != nil || k.Cert.Equal(old.Cert) || time.Until(k.Cert.NotAfter) < 365*24*time.Hour {
		t.Errorf("not renewed: %v %v", k, err)
	}
}
