package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
	"github.com/motcua/motcua/internal/webhook"
)

func init() {
	for k, v := range webhookMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var webhookMessages = web.Messages{
	"bo.nav.webhooks":       {"Webhook", "Webhooks"},
	"wh.title":              {"Webhook cho hệ thống tích hợp", "Webhooks for integrators"},
	"wh.hint":               {"Mỗi sự kiện của hồ sơ được gửi đến các hệ thống đã đăng ký dưới dạng yêu cầu POST có chữ ký; không gửi dữ liệu cá nhân. Xem tài liệu docs/webhooks.md.", "Every dossier event is POSTed, signed, to the registered systems; no personal data is sent. See docs/webhooks.md."},
	"wh.add":                {"Đăng ký hệ thống nhận", "Register a receiving system"},
	"wh.name":               {"Tên hệ thống nhận", "Receiving system's name"},
	"wh.url":                {"Địa chỉ nhận (https://…)", "Address (https://…)"},
	"wh.url.hint":           {"Chỉ chấp nhận https://; http:// chỉ dùng với 127.0.0.1 hoặc localhost để thử nghiệm.", "https:// only; http:// only for 127.0.0.1 or localhost, for tests."},
	"wh.actions":            {"Sự kiện cần gửi", "Events to send"},
	"wh.actions.hint":       {"Không chọn sự kiện nào nghĩa là gửi tất cả.", "Choose none to send them all."},
	"wh.actions.all":        {"Tất cả sự kiện", "Every event"},
	"wh.save":               {"Đăng ký", "Register"},
	"wh.error":              {"Chưa đăng ký được", "Not registered"},
	"wh.secret.title":       {"Khóa bí mật của «%s»", "Secret of “%s”"},
	"wh.secret.once":        {"Sao chép khóa này và chuyển cho hệ thống nhận ngay bây giờ: khóa chỉ hiển thị một lần. Hệ thống nhận dùng khóa để kiểm tra chữ ký X-Motcua-Signature.", "Copy this secret and hand it to the receiving system now: it is shown only once. The receiver checks X-Motcua-Signature with it."},
	"wh.done.disable":       {"Đã tạm dừng gửi đến hệ thống này.", "Deliveries to this system are paused."},
	"wh.done.enable":        {"Đã bật lại việc gửi đến hệ thống này.", "Deliveries to this system are resumed."},
	"wh.list":               {"Hệ thống đã đăng ký", "Registered systems"},
	"wh.empty":              {"Chưa có hệ thống nào đăng ký.", "No system registered yet."},
	"wh.active":             {"Đang hoạt động", "Active"},
	"wh.inactive.admin":     {"Đã tạm dừng", "Paused"},
	"wh.inactive.gone":      {"Đã dừng: hệ thống nhận trả lời 410 Gone", "Stopped: the receiver answered 410 Gone"},
	"wh.disable":            {"Tạm dừng", "Pause"},
	"wh.enable":             {"Bật lại", "Resume"},
	"wh.rotate":             {"Cấp khóa bí mật mới", "Issue a new secret"},
	"wh.created":            {"Đăng ký lúc", "Registered"},
	"wh.deliveries":         {"Nhật ký gửi (mới nhất trước)", "Delivery log (newest first)"},
	"wh.deliveries.empty":   {"Chưa có lần gửi nào.", "Nothing sent yet."},
	"wh.col.event":          {"Sự kiện", "Event"},
	"wh.col.dossier":        {"Mã hồ sơ", "Dossier"},
	"wh.col.state":          {"Trạng thái", "State"},
	"wh.col.attempts":       {"Số lần gửi", "Attempts"},
	"wh.col.status":         {"Mã HTTP", "HTTP status"},
	"wh.col.error":          {"Lỗi", "Error"},
	"wh.col.delivered":      {"Gửi thành công lúc", "Delivered at"},
	"wh.state.pending":      {"Đang chờ gửi", "Pending"},
	"wh.state.delivered":    {"Đã gửi", "Delivered"},
	"wh.state.failed":       {"Thất bại", "Failed"},
	"wh.state.cancelled":    {"Đã hủy", "Cancelled"},
	"wh.err.bad_id":         {"Hệ thống nhận không hợp lệ.", "The receiving system is not valid."},
	"wh.err.action_invalid": {"Thao tác không hợp lệ.", "Unknown action."},
}

// WebhookAdmin is the webhook service as the administrators' page uses it
// (webhook.Service).
type WebhookAdmin interface {
	Subscribers(ctx context.Context, by dossier.Actor) ([]store.WebhookSubscriber, error)
	Deliveries(ctx context.Context, by dossier.Actor, subscriberID int64, limit int) ([]store.WebhookDelivery, error)
	Add(ctx context.Context, by dossier.Actor, in webhook.NewSubscriber) (*store.WebhookSubscriber, error)
	SetActive(ctx context.Context, by dossier.Actor, id int64, active bool) error
	Rotate(ctx context.Context, by dossier.Actor, id int64) (string, error)
}

const (
	webhooksPath = "/can-bo/quan-tri/webhook"
	// webhookLogSize is how many deliveries of each subscriber the page
	// shows.
	webhookLogSize = 20
)

// registerWebhooks adds the webhook administration page.
func (h *Handler) registerWebhooks(mux *http.ServeMux) {
	mux.Handle("GET "+webhooksPath, h.page(h.webhooksPage))
	mux.Handle("POST "+webhooksPath, h.cop.Handler(h.page(h.webhooksPost)))
}

// WebhookAdmin reports whether the member may open the webhook page, for
// the navigation's link.
func (f Frame) WebhookAdmin() bool { return f.Staff.cityAdmin() }

var errWebhooksForbidden = apperr.New(apperr.Forbidden, "webhooks_city_admin_only",
	"Chỉ quản trị viên thành phố được quản lý webhook.", "Only the city's administrators may manage webhooks.")

type webhookRow struct {
	store.WebhookSubscriber
	ActionLabels []string
	Status       string
	Deliveries   []deliveryRow
}

type deliveryRow struct {
	store.WebhookDelivery
	Event string
	State string
}

type webhooksView struct {
	Frame
	Rows    []webhookRow
	Actions []option
	Form    url.Values
	Errors  map[string]string
	Error   string
	Done    string
	// Secret is a just-issued secret and the name of its subscriber,
	// shown this once.
	Secret, SecretFor string
}

// webhooksPage serves /can-bo/quan-tri/webhook?xong=: the subscribers,
// each with its latest deliveries, and the form to register one.
func (h *Handler) webhooksPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	if err := h.webhooksAllowed(s); err != nil {
		return err
	}
	v := &webhooksView{}
	switch d := r.URL.Query().Get("xong"); d {
	case "disable", "enable":
		v.Done = d
	}
	return h.renderWebhooks(w, r, s, v, http.StatusOK)
}

func (h *Handler) webhooksAllowed(s *staff) error {
	if h.Webhooks == nil {
		return apperr.ErrNotFound
	}
	if !s.cityAdmin() {
		return errWebhooksForbidden
	}
	return nil
}

func (h *Handler) renderWebhooks(w http.ResponseWriter, r *http.Request, s *staff, v *webhooksView, status int) error {
	ctx := r.Context()
	lang := web.LangOf(r)
	v.Frame = Frame{s, webhooksPath}
	subs, err := h.Webhooks.Subscribers(ctx, s.Actor)
	if err != nil {
		return err
	}
	label := func(a string) string {
		if h.web.Has("action." + a) {
			return h.web.T(lang, "action."+a)
		}
		return a
	}
	for _, sub := range subs {
		sub.Secret = "" // shown once, at creation or rotation, never again
		row := webhookRow{WebhookSubscriber: sub, Status: h.web.T(lang, "wh.active")}
		if !sub.Active {
			row.Status = h.web.T(lang, "wh.inactive.admin")
			if sub.DisabledReason == "gone" {
				row.Status = h.web.T(lang, "wh.inactive.gone")
			}
		}
		for _, a := range sub.Actions {
			row.ActionLabels = append(row.ActionLabels, label(a))
		}
		ds, err := h.Webhooks.Deliveries(ctx, s.Actor, sub.ID, webhookLogSize)
		if err != nil {
			return err
		}
		for _, d := range ds {
			dr := deliveryRow{WebhookDelivery: d, Event: label(d.Action), State: d.State}
			if h.web.Has("wh.state." + d.State) {
				dr.State = h.web.T(lang, "wh.state."+d.State)
			}
			row.Deliveries = append(row.Deliveries, dr)
		}
		v.Rows = append(v.Rows, row)
	}
	var chosen []string
	if v.Form != nil {
		chosen = v.Form["actions"]
	}
	for _, a := range append([]dossier.Action{dossier.ActSubmit}, dossier.Actions...) {
		v.Actions = append(v.Actions, option{Value: string(a), Label: label(string(a)), Selected: slices.Contains(chosen, string(a))})
	}
	// No copy of the page anywhere: it may show a secret.
	h.web.Render(w, r, web.View{Name: "webhooks", Status: status, NoIndex: true, NoStore: true, Data: v})
	return nil
}

// webhooksPost registers a subscriber (action=add: name, url, actions),
// pauses or resumes one (action=disable, enable: id) or issues it a new
// secret (action=rotate: id). A new secret is shown on the answer itself,
// never in an address or the session.
func (h *Handler) webhooksPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if err := h.webhooksAllowed(s); err != nil {
		return err
	}
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	ctx := r.Context()
	lang := web.LangOf(r)
	action := r.PostForm.Get("action")
	if action == "add" {
		sub, err := h.Webhooks.Add(ctx, s.Actor, webhook.NewSubscriber{Name: r.PostForm.Get("name"), URL: r.PostForm.Get("url"),
			Actions: r.PostForm["actions"]})
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid {
				return err
			}
			v := &webhooksView{Form: r.PostForm, Errors: map[string]string{}, Error: e.Message(lang)}
			for _, f := range e.Fields {
				v.Errors[f.Name] = f.In(lang)
			}
			return h.renderWebhooks(w, r, s, v, e.Kind.Status())
		}
		return h.renderWebhooks(w, r, s, &webhooksView{Secret: sub.Secret, SecretFor: sub.Name}, http.StatusOK)
	}
	id, err := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err != nil || id <= 0 {
		return h.renderWebhooks(w, r, s, &webhooksView{Error: h.web.T(lang, "wh.err.bad_id")}, http.StatusBadRequest)
	}
	switch action {
	case "disable", "enable":
		if err := h.Webhooks.SetActive(ctx, s.Actor, id, action == "enable"); err != nil {
			return err
		}
		http.Redirect(w, r, webhooksPath+"?xong="+action, http.StatusSeeOther)
		return nil
	case "rotate":
		secret, err := h.Webhooks.Rotate(ctx, s.Actor, id)
		if err != nil {
			return err
		}
		name := ""
		if subs, err := h.Webhooks.Subscribers(ctx, s.Actor); err == nil {
			for _, sub := range subs {
				if sub.ID == id {
					name = sub.Name
				}
			}
		}
		return h.renderWebhooks(w, r, s, &webhooksView{Secret: secret, SecretFor: name}, http.StatusOK)
	}
	return h.renderWebhooks(w, r, s, &webhooksView{Error: h.web.T(lang, "wh.err.action_invalid")}, http.StatusBadRequest)
}
