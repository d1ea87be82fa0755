package slips

// Fonts returns the embedded Noto Serif faces, regular and bold, so that
// other documents (receipts) are set in the slips' type without a second
// copy of the fonts in the binary. The slices are shared: do not modify.
func Fonts() (regular, bold []byte) { return fontRegular, fontBold }
