// Package dossier owns the dossier aggregate: statuses, the lifecycle and its
// guards, dossier codes and the append-only event log. It knows nothing of
// HTTP or SQL; the store implements the Store interface declared here.
package dossier

// Status is the canonical dossier status code the national public-service
// portal (dichvucong.gov.vn) syncs, for the process of the one-stop decrees
// (Decree 61/2018/NĐ-CP, Decree 118/2025/NĐ-CP).
type Status int

// The ten canonical statuses.
const (
	StatusSubmitted  Status = 1  // Mới đăng ký
	StatusReceived   Status = 2  // Được tiếp nhận
	StatusRefused    Status = 3  // Không được tiếp nhận
	StatusProcessing Status = 4  // Đang xử lý
	StatusSupplement Status = 5  // Yêu cầu bổ sung giấy tờ
	StatusFee        Status = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawn  Status = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped    Status = 8  // Dừng xử lý
	StatusFinished   Status = 9  // Đã xử lý xong
	StatusDelivered  Status = 10 // Đã trả kết quả
)

var statusLabels = map[Status][2]string{
	StatusSubmitted:  {"Mới đăng ký", "Submitted, awaiting reception"},
	StatusReceived:   {"Được tiếp nhận", "Received"},
	StatusRefused:    {"Không được tiếp nhận", "Refused at reception"},
	StatusProcessing: {"Đang xử lý", "Being processed"},
	StatusSupplement: {"Yêu cầu bổ sung giấy tờ", "Supplementation requested"},
	StatusFee:        {"Yêu cầu thực hiện nghĩa vụ tài chính", "Fee payment requested"},
	StatusWithdrawn:  {"Công dân yêu cầu rút hồ sơ", "Withdrawn by the applicant"},
	StatusStopped:    {"Dừng xử lý", "Processing stopped"},
	StatusFinished:   {"Đã xử lý xong", "Processed, result ready"},
	StatusDelivered:  {"Đã trả kết quả", "Result delivered"},
}

// Valid reports whether s is one of the ten canonical statuses.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Label returns the status name in Vietnamese ("vi", the default) or English.
func (s Status) Label(lang string) string {
	l, ok := statusLabels[s]
	if !ok {
		return ""
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Open reports whether the dossier is still in the hands of the
// administration (received and neither finished nor ended).
func (s Status) Open() bool {
	switch s {
	case StatusReceived, StatusProcessing, StatusSupplement, StatusFee:
		return true
	}
	return false
}

// Pending reports whether the unit still has the dossier to handle: awaiting
// reception, or open.
func (s Status) Pending() bool { return s == StatusSubmitted || s.Open() }

// Counted reports whether report form II.06a counts a dossier in this
// status: every one but those never received (awaiting reception, or
// refused at it).
func (s Status) Counted() bool { return s.Valid() && s != StatusSubmitted && s != StatusRefused }

// Statuses lists the ten canonical statuses in code order.
func Statuses() []Status {
	out := make([]Status, 0, len(statusLabels))
	for s := StatusSubmitted; s <= StatusDelivered; s++ {
		out = append(out, s)
	}
	return out
}

// StatusesWhere lists, in code order, the canonical statuses for which keep
// is true; the store builds its SQL status lists from it, so that a set is
// written once, as a method of Status.
func StatusesWhere(keep func(Status) bool) []Status {
	var out []Status
	for _, s := range Statuses() {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// OpenStatuses lists the statuses for which Open is true.
func OpenStatuses() []Status { return StatusesWhere(Status.Open) }

// PendingStatuses lists the statuses for which Pending is true.
func PendingStatuses() []Status { return StatusesWhere(Status.Pending) }

// Channel is how a dossier reached the administration.
type Channel string

// Channels.
const (
	ChannelOnline  Channel = "online"
	ChannelCounter Channel = "counter"
	ChannelPost    Channel = "post"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	return c == ChannelOnline || c == ChannelCounter || c == ChannelPost
}
