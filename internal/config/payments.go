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
