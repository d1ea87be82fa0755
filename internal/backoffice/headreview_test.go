package backoffice_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestHeadReviewPages: a draft of a procedure with the head of office's
// step is on the head's "chờ trưởng phòng duyệt" list, not on the leader's
// approvals; the head's dossier page opens the review form as the next
// step; once approved, the draft moves to the leader's list, whose page
// suggests the signature. In English too.
func TestHeadReviewPages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, _ := startMonday(t, e)
			env.AddHeadReview()
			api := func(u string) *apptest.Client { return env.Login(u) }
			d := api(apptest.CitizenA).SubmitProcedure(apptest.HeadReviewed, apptest.HangTrong)
			api("ht.receptionist").MustAct(&d, "receive", nil)
			api("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			spec, head, leader := login(t, env, "ht.specialist"), login(t, env, "ht.head"), login(t, env, "ht.leader")
			path := "/can-bo/ho-so/" + d.Code
			done(t, env, spec, d.Code, "draft_result", url.Values{"summary": {"Đăng ký lại kết hôn"}, "granted": {"yes"}})
			want(t, "specialist's notice", spec.get(path+"?xong=draft_result"), 200, "Đã gửi dự thảo kết quả để trưởng phòng duyệt.")

			tab := "/can-bo/viec-can-lam?ds=cho-truong-phong-duyet"
			want(t, "head's worklist", head.get("/can-bo/viec-can-lam"), 200, "Chờ trưởng phòng duyệt", tab)
			want(t, "head's review list", head.get(tab), 200, d.Code)
			if p := leader.get("/can-bo/viec-can-lam?ds=cho-phe-duyet"); strings.Contains(p.body, d.Code) {
				t.Errorf("the leader's approvals list a draft the head has not reviewed")
			}
			if p := leader.get(tab); p.status != 404 {
				t.Errorf("the leader opens the head's list: %d", p.status)
			}
			p := head.get(path)
			want(t, "head's dossier page", p, 200, `<details class="action panel" id="action-approve_draft" open>`, `id="form-approve_draft"`,
				`id="form-return_draft"`, "Dự thảo kết quả chờ trưởng phòng duyệt", "Chờ trưởng phòng duyệt dự thảo")
			if strings.Index(p.body, `id="action-approve_draft"`) > strings.Index(p.body, `id="action-return_draft"`) {
				t.Error("the review form does not come first")
			}
			if lp := leader.get(path); strings.Contains(lp.body, `id="form-finish"`) {
				t.Error("the leader is offered finish before the head's review")
			}
			want(t, "in English", head.get(path+"?lang=en"), 200, "Approve the draft (head of office)")
			head.get(path + "?lang=vi")

			done(t, env, head, d.Code, "approve_draft", url.Values{"reason": {"Đồng ý trình ký."}})
			want(t, "head's notice", head.get(path+"?xong=approve_draft"), 200, "Đã duyệt dự thảo; hồ sơ chuyển lãnh đạo phê duyệt.")
			if p := head.get(tab); strings.Contains(p.body, d.Code) {
				t.Error("the approved draft is still on the head's list")
			}
			want(t, "leader's approvals", leader.get("/can-bo/viec-can-lam?ds=cho-phe-duyet"), 200, d.Code)
			want(t, "leader's page", leader.get(path), 200, `<details class="action panel" id="action-finish" open>`)
			done(t, env, leader, d.Code, "finish", nil)
			if st := statusOf(t, env, d.Code); st != 9 {
				t.Fatalf("status %d after the signature, want 9", st)
			}
		})
	}
}
