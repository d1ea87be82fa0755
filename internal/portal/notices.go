package portal

import (
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/web"
)

// noticeItem is one notification as the inbox shows it.
type noticeItem struct {
	At      time.Time
	Code    string
	Title   string
	Text    string
	Unseen  bool
	Dossier string // link to the dossier page
}

type noticesView struct {
	Items []noticeItem
	More  string // link to older notifications, if any
}

// notices is the citizen's inbox (issue 3 item 8): one message for each
// change made to their dossiers by the administration, told in the same
// plain words as the dossier timeline. Opening it marks them read. The
// messages are generated from the event log, so none can be missed or
// differ from what the dossier page says; e-mail and SMS will send the
// same text.
func (h *Handler) notices(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	if a.Kind != account.KindCitizen {
		h.web.Error(w, r, http.StatusForbidden, h.t(r, "profile.staff"))
		return nil
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("truoc"), 10, 64)
	ns, next, err := h.Accounts.Notices(r.Context(), a.ID, before, 30)
	if err != nil {
		return err
	}
	v := &noticesView{}
	versions := map[int64]*catalog.Version{}
	var newest int64
	for _, n := range ns {
		ver, ok := versions[n.ProcedureVersionID]
		if !ok {
			if ver, err = h.Catalogue.Version(r.Context(), n.ProcedureVersionID); err != nil {
				return err
			}
			versions[n.ProcedureVersionID] = ver
		}
		v.Items = append(v.Items, noticeItem{At: n.Event.At, Code: n.Code, Title: h.t(r, "notices.dossier", n.Code, n.ProcedureName),
			Text: h.eventText(r, n.Event, ver), Unseen: n.Unseen, Dossier: "/ho-so/" + n.Code})
		if n.Event.ID > newest {
			newest = n.Event.ID
		}
	}
	if next > 0 {
		v.More = "/thong-bao?truoc=" + strconv.FormatInt(next, 10)
	}
	h.web.Render(w, r, web.View{Name: "notices", NoIndex: true, Data: v})
	if newest > 0 {
		if err := h.Accounts.MarkNoticesSeen(r.Context(), a.ID, newest); err != nil {
			h.Log.ErrorContext(r.Context(), "marking notices seen", "err", err)
		}
	}
	return nil
}
