package dvcqg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MaxInbound is the most dossiers one delivery may carry.
const MaxInbound = 100

// MaxInboundBytes bounds a delivery's body.
const MaxInboundBytes = 1 << 20

// InboundError says why a delivery could not be read at all (the whole
// request is refused; a readable delivery is answered item by item).
type InboundError struct {
	Code   string // bad_json, too_many
	VI, EN string
}

func (e *InboundError) Error() string { return e.EN }

// ParseInbound reads a delivery: a JSON array of 1 to MaxInbound HoSo, in
// valid UTF-8. Fields the portal adds that we do not know are ignored
// (Circular 04/2025/TT-VPCP extends the catalogue); a field of the wrong
// type is an error.
func ParseInbound(body []byte) ([]HoSo, error) {
	if !utf8.Valid(body) || bytes.Contains(body, []byte(`\u0000`)) {
		return nil, &InboundError{Code: "bad_json", VI: "Dữ liệu không phải văn bản UTF-8 hợp lệ.", EN: "The body is not valid UTF-8 text."}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, &InboundError{Code: "bad_json", VI: "Dữ liệu phải là một mảng JSON các hồ sơ.", EN: "The body must be a JSON array of dossiers."}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, badJSON(err)
	}
	if dec.More() {
		return nil, &InboundError{Code: "bad_json", VI: "Dữ liệu JSON không hợp lệ: thừa nội dung sau mảng.", EN: "Malformed JSON: trailing data after the array."}
	}
	if len(raw) == 0 {
		return nil, &InboundError{Code: "bad_json", VI: "Mảng hồ sơ rỗng.", EN: "The array of dossiers is empty."}
	}
	if len(raw) > MaxInbound {
		return nil, &InboundError{Code: "too_many",
			VI: fmt.Sprintf("Mỗi lần gửi tối đa %d hồ sơ (đã gửi %d).", MaxInbound, len(raw)),
			EN: fmt.Sprintf("At most %d dossiers per request (%d sent).", MaxInbound, len(raw))}
	}
	out := make([]HoSo, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, &InboundError{Code: "bad_json", VI: fmt.Sprintf("Hồ sơ thứ %d: dữ liệu JSON không hợp lệ: %v.", i+1, err),
				EN: fmt.Sprintf("Dossier %d: malformed JSON: %v.", i+1, err)}
		}
	}
	return out, nil
}

func badJSON(err error) error {
	return &InboundError{Code: "bad_json", VI: fmt.Sprintf("Dữ liệu JSON không hợp lệ: %v.", err), EN: fmt.Sprintf("Malformed JSON: %v.", err)}
}
