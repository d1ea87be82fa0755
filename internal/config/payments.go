package config

import (
	"errors"
	"flag"
	"net/url"
)

// VNPay is the merchant's settings at VNPay (payment.vnpay.Client); off
// while TmnCode is empty.
type VNPay struct {
	// TmnCode is the merchant (terminal) code VNPay gave.
	TmnCode string
	// HashSecret signs and checks every message.
	HashSecret string
	// PayURL is the payment page (…/paymentv2/vpcpay.html), APIURL the
	// merchant API (…/merchant_webapi/api/transaction) for querydr.
	PayURL, APIURL string
}

// On reports whether VNPay is configured.
func (v VNPay) On() bool { return v.TmnCode != "" }

// paymentFlags registers the --vnpay-* flags.
func (c *Config) paymentFlags(fs *flag.FlagSet) {
	v := &c.VNPay
	fs.StringVar(&v.TmnCode, "vnpay-tmn-code", envOr("VNPAY_TMN_CODE", v.TmnCode), "merchant code at VNPay; online payment through VNPay is off without it (env MOTCUA_VNPAY_TMN_CODE)")
	fs.StringVar(&v.HashSecret, "vnpay-hash-secret", envOr("VNPAY_HASH_SECRET", v.HashSecret), "VNPay's hash secret (env MOTCUA_VNPAY_HASH_SECRET)")
	fs.StringVar(&v.PayURL, "vnpay-pay-url", envOr("VNPAY_PAY_URL", v.PayURL), "VNPay's payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html (env MOTCUA_VNPAY_PAY_URL)")
	fs.StringVar(&v.APIURL, "vnpay-api-url", envOr("VNPAY_API_URL", v.APIURL), "VNPay's merchant API for querydr, e.g. https://sandbox.vnpayment.vn/merchant_webapi/api/transaction (env MOTCUA_VNPAY_API_URL)")
}

// validatePayments checks the --vnpay-* settings: all or none.
func (c *Config) validatePayments() []error {
	v := c.VNPay
	if v == (VNPay{}) {
		return nil
	}
	var errs []error
	if v.TmnCode == "" || v.HashSecret == "" || v.PayURL == "" || v.APIURL == "" {
		errs = append(errs, errors.New("--vnpay-tmn-code, --vnpay-hash-secret, --vnpay-pay-url and --vnpay-api-url go together"))
	}
	for _, s := range []string{v.PayURL, v.APIURL} {
		if s == "" {
			continue
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("--vnpay-pay-url and --vnpay-api-url must be http or https URLs"))
			break
		}
	}
	return errs
}

// Signing is where the units' keys for electronic results are (result.KeyStore).
type Signing struct {
	// Keys is a directory of <unit code>.p12, or <unit code>.key and .crt;
	// results are not signed without it (and without --demo).
	Keys string
	// P12Password opens the PKCS#12 files.
	P12Password string
	// Roots is a PEM file of the certification authorities whose
	// certificates the verification page trusts.
	Roots string
	// Place is written before the date on issued results ("Hà Nội").
	Place string
}

// signingFlags registers the --sign-* flags.
func (c *Config) signingFlags(fs *flag.FlagSet) {
	s := &c.Signing
	fs.StringVar(&s.Keys, "sign-keys", envOr("SIGN_KEYS", s.Keys), "directory of the units' signing keys (<unit>.p12, or <unit>.key and <unit>.crt); electronic results are not signed without it (env MOTCUA_SIGN_KEYS)")
	fs.StringVar(&s.P12Password, "sign-p12-password", envOr("SIGN_P12_PASSWORD", s.P12Password), "password of the PKCS#12 key files (env MOTCUA_SIGN_P12_PASSWORD)")
	fs.StringVar(&s.Roots, "sign-roots", envOr("SIGN_ROOTS", s.Roots), "PEM file of the certification authorities the verification page /xac-thuc trusts (env MOTCUA_SIGN_ROOTS)")
	fs.StringVar(&s.Place, "sign-place", envOr("SIGN_PLACE", "Hà Nội"), "place name written before the date on issued results (env MOTCUA_SIGN_PLACE)")
}

// Paygov is the national payment platform (payment/paygov.Client); off
// while URL is empty.
type Paygov struct {
	// URL takes INIT (and QUERY and GET_BILL unless their own URLs are set).
	URL, QueryURL, BillURL string
	// Token is the bearer token; Partner our partner code (MaDoiTac);
	// Secret the key of MaXacThuc.
	Token, Partner, Secret string
}

// paygovFlags registers the --paygov-* flags.
func (c *Config) paygovFlags(fs *flag.FlagSet) {
	p := &c.Paygov
	fs.StringVar(&p.URL, "paygov-url", envOr("PAYGOV_URL", p.URL), "the national payment platform's endpoint; payment through it is off without it (env MOTCUA_PAYGOV_URL)")
	fs.StringVar(&p.QueryURL, "paygov-query-url", envOr("PAYGOV_QUERY_URL", p.QueryURL), "endpoint of QUERY, when not --paygov-url (env MOTCUA_PAYGOV_QUERY_URL)")
	fs.StringVar(&p.BillURL, "paygov-bill-url", envOr("PAYGOV_BILL_URL", p.BillURL), "endpoint of GET_BILL, when not --paygov-url (env MOTCUA_PAYGOV_BILL_URL)")
	fs.StringVar(&p.Token, "paygov-token", envOr("PAYGOV_TOKEN", p.Token), "bearer token at the platform (env MOTCUA_PAYGOV_TOKEN)")
	fs.StringVar(&p.Partner, "paygov-partner", envOr("PAYGOV_PARTNER", p.Partner), "our partner code at the platform, MaDoiTac (env MOTCUA_PAYGOV_PARTNER)")
	fs.StringVar(&p.Secret, "paygov-secret", envOr("PAYGOV_SECRET", p.Secret), "the key of MaXacThuc (env MOTCUA_PAYGOV_SECRET)")
}

// validatePaygov checks the --paygov-* settings.
func (c *Config) validatePaygov() []error {
	p := c.Paygov
	if p == (Paygov{}) {
		return nil
	}
	var errs []error
	if p.URL == "" || p.Partner == "" || p.Secret == "" {
		errs = append(errs, errors.New("--paygov-url, --paygov-partner and --paygov-secret go together"))
	}
	for _, s := range []string{p.URL, p.QueryURL, p.BillURL} {
		if s == "" {
			continue
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("--paygov-url, --paygov-query-url and --paygov-bill-url must be http or https URLs"))
			break
		}
	}
	return errs
}
