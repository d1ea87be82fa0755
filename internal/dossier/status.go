// Package dossier owns the dossier aggregate: statuses, the lifecycle and its
// guards, dossier codes and the append-only event log. It knows nothing of
// HTTP or SQL; the store implements the Store interface declared here.
package dossier

// Status is the canonical dossier status code used by the national portal
// sync (domain.md §3).
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
