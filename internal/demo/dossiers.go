package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
)

// unitDesk is one demo unit with its staff and the procedures it offers.
type unitDesk struct {
	code                          string
	reception, specialist, leader dossier.Actor
	// head is the head of office, who reviews the drafts of the
	// templates that have that step (catalog.StepApproveDraft).
	head               dossier.Actor
	specialistUsername string
	procs              []catalog.Procedure
}

var familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
var middleNames = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thu", "Quang", "Thanh", "Xuân"}
var givenNames = []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tú", "Vân", "Yến"}

func randomName(r *rand.Rand) string {
	return familyNames[r.IntN(len(familyNames))] + " " + middleNames[r.IntN(len(middleNames))] + " " + givenNames[r.IntN(len(givenNames))]
}

// randomID makes a well-formed Hà Nội citizen ID number (province 001).
func randomID(r *rand.Rand) string {
	g := r.IntN(2)        // 1900s
	yy := 50 + r.IntN(50) // born 1950–1999
	if r.IntN(3) == 0 {
		g = 2 + r.IntN(2) // 2000s
		yy = r.IntN(7)
	}
	return fmt.Sprintf("001%d%02d%06d", g, yy, r.IntN(1000000))
}

func actorOf(ctx context.Context, db *store.DB, username string) (dossier.Actor, error) {
	a, err := db.AccountByUsername(ctx, username)
	if err != nil {
		return dossier.Actor{}, fmt.Errorf("demo account %s: %w", username, err)
	}
	return (&auth.Service{Store: db}).Actor(ctx, a)
}

// sampleText guesses a plausible value from the field's name and label.
var vnFold = vn.Fold

func sampleText(fd catalog.Field, r *rand.Rand) string {
	key := fd.Name + " " + vnFold(fd.Label)
	var v string
	switch {
	case containsAny(key, "address", "residence", "dia chi", "noi cu tru", "tru so", "location"):
		v = fmt.Sprintf("Số %d phố Hàng Trống, phường Hàng Trống, quận Hoàn Kiếm, Hà Nội", 1+r.IntN(90))
	case containsAny(key, "name", "ho ten", "ho va ten"):
		v = randomName(r)
	case containsAny(key, "reason", "ly do", "purpose", "muc dich"):
		v = "Phục vụ nhu cầu cá nhân"
	default:
		v = "Theo hồ sơ kèm theo"
	}
	if fd.MaxLength > 0 && len([]rune(v)) > fd.MaxLength {
		v = string([]rune(v)[:fd.MaxLength])
	}
	return v
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// SampleForm fills a procedure's form with plausible valid values.
func SampleForm(f catalog.Form, r *rand.Rand) map[string]any {
	out := map[string]any{}
	for _, fd := range f.Fields {
		if !fd.Required && r.IntN(2) == 0 {
			continue
		}
		switch fd.Type {
		case "text", "textarea":
			out[fd.Name] = sampleText(fd, r)
		case "number":
			v := 1.0
			if fd.Min != nil {
				v = *fd.Min
			}
			out[fd.Name] = v
		case "date":
			out[fd.Name] = fmt.Sprintf("19%02d-%02d-%02d", 60+r.IntN(39), 1+r.IntN(12), 1+r.IntN(28))
		case "select":
			if len(fd.Options) > 0 {
				out[fd.Name] = fd.Options[r.IntN(len(fd.Options))].Value
			}
		case "checkbox":
			out[fd.Name] = true
		case "id_number":
			out[fd.Name] = randomID(r)
		case "phone":
			out[fd.Name] = fmt.Sprintf("09%08d", r.IntN(100000000))
		case "email":
			out[fd.Name] = "congdan@example.vn"
		}
	}
	fitRules(f, out, r)
	return out
}

// fitRules makes sample answers pass the form's rules: an ID number whose
// century, sex and year digits agree with the date of birth. The sample
// dates of birth (1960–1998) already pass the statutory ages.
func fitRules(f catalog.Form, out map[string]any, r *rand.Rand) {
	for _, rule := range f.Rules {
		if rule.Kind != catalog.RuleIDMatchesPerson {
			continue
		}
		birth, _ := out[rule.BirthField].(string)
		if _, ok := out[rule.IDField]; !ok || len(birth) < 4 {
			continue
		}
		year, err := strconv.Atoi(birth[:4])
		if err != nil {
			continue
		}
		sex := rule.Sex
		if rule.SexField != "" {
			v, _ := out[rule.SexField].(string)
			sex = catalog.SexOf(v)
		}
		g := (year - 1900) / 100 * 2
		if sex == "female" {
			g++
		}
		out[rule.IDField] = fmt.Sprintf("001%d%02d%06d", g, year%100, r.IntN(1000000))
	}
}

// loadDossiers drives n dossiers through the real lifecycle with a
// simulated clock over the 90 days before opts.Now, so that events, due
// dates and verdicts are exactly what real use would have produced.
func loadDossiers(ctx context.Context, db *store.DB, opts Options, n int) (int, error) {
	end := opts.Now
	if end.IsZero() {
		end = time.Now()
	}
	seed := opts.Seed
	if seed == 0 {
		seed = 2017
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cal, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		return 0, err
	}
	var clock time.Time
	svc := &dossier.Service{Store: db, Catalog: db, Directory: db,
		Now:   func() time.Time { return clock },
		Clock: func(context.Context, string) (dossier.Clock, error) { return cal, nil }}

	var desks []*unitDesk
	for _, prefix := range []string{"hangtrong", "hoankiem", "sotuphap"} {
		d := &unitDesk{specialistUsername: prefix + ".chuyenvien"}
		if d.reception, err = actorOf(ctx, db, prefix+".tiepnhan"); err != nil {
			return 0, err
		}
		if d.specialist, err = actorOf(ctx, db, prefix+".chuyenvien"); err != nil {
			return 0, err
		}
		if d.leader, err = actorOf(ctx, db, prefix+".lanhdao"); err != nil {
			return 0, err
		}
		if d.head, err = actorOf(ctx, db, prefix+".truongphong"); err != nil {
			return 0, err
		}
		d.code = d.reception.Grants[0].UnitCode
		cursor := ""
		for {
			ps, next, err := db.Procedures(ctx, store.ProcedureFilter{Unit: d.code, Limit: 200, At: end, Cursor: cursor})
			if err != nil {
				return 0, err
			}
			d.procs = append(d.procs, ps...)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(d.procs) == 0 {
			return 0, fmt.Errorf("demo unit %s offers no procedure", d.code)
		}
		desks = append(desks, d)
	}
	// Online applicants: the two listed demo citizens and a crowd of others.
	hash, err := passwordHash()
	if err != nil {
		return 0, err
	}
	var citizens []dossier.Actor
	for _, c := range Citizens {
		a, err := actorOf(ctx, db, c.IDNumber)
		if err != nil {
			return 0, err
		}
		citizens = append(citizens, a)
	}
	for i := 0; i < 40; i++ {
		acct := &account.Account{Kind: account.KindCitizen, Username: randomID(r), FullName: randomName(r),
			Phone: fmt.Sprintf("09%08d", r.IntN(100000000)), PasswordHash: hash}
		if err := db.CreateAccount(ctx, acct); err != nil {
			continue // a clashing random ID number: skip it
		}
		citizens = append(citizens, auth.CitizenActor(acct))
	}
	accountOf := map[int64]*dossier.Applicant{}
	for _, c := range citizens {
		a, err := db.AccountByUsername(ctx, c.Username)
		if err != nil {
			return 0, err
		}
		accountOf[c.AccountID] = &dossier.Applicant{FullName: a.FullName, IDNumber: a.Username, Phone: a.Phone, Email: a.Email}
	}

	// Submission moments over the window, in order, so that codes and ids
	// follow time as they would in real use; each within office hours.
	start := end.AddDate(0, 0, -90)
	moments := make([]time.Time, n)
	for i := range moments {
		t := cal.NextOpening(start.Add(time.Duration(r.Int64N(int64(end.Sub(start))))))
		moments[i] = t.Add(time.Duration(r.IntN(150)) * time.Minute)
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	sc := &scans{files: opts.Files}
	// The lifecycles run in memory and reach the store in one transaction
	// of a few statements (store.Batch): one round trip and commit per
	// action made the load take a minute on a busy machine.
	created := 0
	drive := func(st dossier.Store) error {
		svc.Store = st
		for i := 0; i < n; i++ {
			desk := desks[weighted(r, []int{55, 25, 20})]
			proc := desk.procs[r.IntN(len(desk.procs))]
			v := proc.Current
			clock = cal.NextOpening(moments[i])
			if clock.After(end) {
				continue
			}
			online := v.LegacyLevel >= 3 && r.IntN(100) < 70
			in := dossier.SubmitInput{Procedure: proc.Code, Unit: desk.code, Form: SampleForm(v.Form, r)}
			var applicant dossier.Actor
			var d *dossier.Dossier
			if online {
				applicant = citizens[r.IntN(len(citizens))]
				if i%25 == 0 {
					applicant = citizens[i/25%len(Citizens)] // the listed demo citizens get a steady share
				}
				in.Account = accountOf[applicant.AccountID]
				if in.Documents, err = sc.required(ctx, v, clock); err != nil {
					return err
				}
				d, _, err = svc.Submit(ctx, applicant, in)
			} else {
				in.Applicant = &dossier.Applicant{FullName: randomName(r), IDNumber: randomID(r), Phone: fmt.Sprintf("09%08d", r.IntN(100000000)),
					Address: fmt.Sprintf("Số %d phố Hàng Trống, phường Hàng Trống, quận Hoàn Kiếm, Hà Nội", 1+r.IntN(90))}
				// The desk received every paper of the published list.
				for _, doc := range v.Documents {
					in.Received = append(in.Received, dossier.ReceivedDocument{Key: doc.Key, Received: true})
				}
				d, _, err = svc.Submit(ctx, desk.reception, in)
			}
			if err != nil {
				return fmt.Errorf("submitting demo dossier for %s at %s: %w", proc.Code, desk.code, err)
			}
			created++
			sim := &simulation{ctx: ctx, svc: svc, cal: cal, r: r, end: end, clock: &clock, d: d, v: v, desk: desk, applicant: applicant}
			if desk != desks[len(desks)-1] {
				sim.adviser = desks[len(desks)-1] // the Sở Tư pháp advises the ward and the district
			}
			if err := sim.run(); err != nil {
				return fmt.Errorf("advancing demo dossier %s: %w", d.Code, err)
			}
		}
		// One of Nguyễn Văn An's dossiers waits for its fee, so that a
		// newcomer can pay it at the sandbox VNPay, download the receipt
		// and, once the ward decides, the signed result.
		for _, proc := range desks[0].procs {
			v := proc.Current
			if v.LegacyLevel < 3 || catalog.Total(v.FeesDue(string(dossier.ChannelOnline), nil), catalog.CollectBefore) <= 0 {
				continue
			}
			clock = cal.NextOpening(end.Add(-72 * time.Hour))
			in := dossier.SubmitInput{Procedure: proc.Code, Unit: desks[0].code, Form: SampleForm(v.Form, r), Account: accountOf[citizens[0].AccountID]}
			if in.Documents, err = sc.required(ctx, v, clock); err != nil {
				return err
			}
			d, _, err := svc.Submit(ctx, citizens[0], in)
			if err != nil {
				return fmt.Errorf("submitting the demo dossier waiting for its fee: %w", err)
			}
			created++
			sim := &simulation{ctx: ctx, svc: svc, cal: cal, r: r, end: end, clock: &clock, d: d, v: v, desk: desks[0], applicant: citizens[0]}
			for _, step := range []struct {
				a   dossier.Actor
				cmd dossier.Command
			}{
				{desks[0].reception, dossier.Command{Action: dossier.ActReceive}},
				{desks[0].leader, dossier.Command{Action: dossier.ActAssign, Assignee: desks[0].specialistUsername}},
				{desks[0].specialist, dossier.Command{Action: dossier.ActRequestFee}}, // the amount the fees say
			} {
				clock = clock.Add(time.Hour)
				if err := sim.act(step.a, step.cmd); err != nil {
					return fmt.Errorf("the demo dossier waiting for its fee: %w", err)
				}
			}
			break
		}
		// One of Trần Thị Bình's dossiers waits at the desk of Hàng Trống
		// since yesterday: receiving it sends her the notices she chose
		// (e-mail and SMS), the national-portal sync and the webhooks.
		for _, proc := range desks[0].procs {
			v := proc.Current
			if v.LegacyLevel < 3 {
				continue
			}
			clock = cal.NextOpening(end.Add(-24 * time.Hour))
			in := dossier.SubmitInput{Procedure: proc.Code, Unit: desks[0].code, Form: SampleForm(v.Form, r), Account: accountOf[citizens[1].AccountID]}
			if in.Documents, err = sc.required(ctx, v, clock); err != nil {
				return err
			}
			if _, _, err := svc.Submit(ctx, citizens[1], in); err != nil {
				return fmt.Errorf("submitting the demo dossier waiting at the desk: %w", err)
			}
			created++
			break
		}
		return nil
	}
	if opts.direct {
		err = drive(db)
	} else {
		err = db.Batch(ctx, drive)
	}
	if err != nil {
		return 0, err
	}
	return created, nil
}

func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	k := r.IntN(total)
	for i, x := range w {
		if k < x {
			return i
		}
		k -= x
	}
	return len(w) - 1
}

// simulation advances one dossier step by step until it reaches its fate
// or the present.
type simulation struct {
	ctx       context.Context
	svc       *dossier.Service
	cal       *calendar.Calendar
	r         *rand.Rand
	end       time.Time
	clock     *time.Time
	d         *dossier.Dossier
	v         *catalog.Version
	desk      *unitDesk
	adviser   *unitDesk // a unit the desk's specialists consult now and then
	applicant dossier.Actor
	stopped   bool
}

// wait moves the clock on by some working hours; false once past the present.
func (s *simulation) wait(minH, maxH float64) bool {
	h := minH + s.r.Float64()*(maxH-minH)
	t := s.cal.AddWorkingHours(*s.clock, h)
	if t.After(s.end) {
		s.stopped = true
		return false
	}
	*s.clock = t
	return true
}

// waitUntil moves the clock to t (at least an hour on if t has passed).
func (s *simulation) waitUntil(t time.Time) bool {
	if h := s.cal.WorkingHoursBetween(*s.clock, t); h > 1 {
		return s.wait(h, h)
	}
	return s.wait(1, 1)
}

func (s *simulation) act(a dossier.Actor, cmd dossier.Command) error {
	cmd.Version = s.d.Version
	d, _, err := s.svc.Act(s.ctx, a, s.d.Code, cmd, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd.Action, err)
	}
	s.d = d
	return nil
}

func (s *simulation) docKeys() []string {
	var keys []string
	for _, d := range s.v.Documents {
		keys = append(keys, d.Key)
	}
	return keys[:1]
}

func (s *simulation) run() error {
	r := s.r
	if s.d.Status == dossier.StatusSubmitted {
		// Some desks are slow: the last days' online dossiers still wait.
		if !s.wait(1, 20) {
			return nil
		}
		switch k := r.IntN(100); {
		case k < 4:
			return s.act(s.desk.reception, dossier.Command{Action: dossier.ActRefuse, Reason: "Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị."})
		case k < 6:
			return s.act(s.applicant, dossier.Command{Action: dossier.ActWithdraw, Reason: "Tôi muốn nộp lại hồ sơ khác."})
		case k < 12:
			if err := s.act(s.desk.reception, dossier.Command{Action: dossier.ActRequestSupplement, Documents: s.docKeys(),
				Reason: "Bản chụp giấy tờ bị mờ, không đọc được."}); err != nil {
				return err
			}
			if !s.wait(4, 24) {
				return nil
			}
			if err := s.act(s.applicant, dossier.Command{Action: dossier.ActSupplement, Reason: "Đã bổ sung bản chụp rõ nét."}); err != nil {
				return err
			}
			if !s.wait(1, 8) {
				return nil
			}
		}
		if err := s.act(s.desk.reception, dossier.Command{Action: dossier.ActReceive}); err != nil {
			return err
		}
	}
	if !s.wait(1, 12) {
		return nil
	}
	if err := s.act(s.desk.leader, dossier.Command{Action: dossier.ActAssign, Assignee: s.desk.specialistUsername}); err != nil {
		return err
	}
	budget := float64(s.v.LimitAmount) * 8
	if s.v.LimitKind == catalog.CalendarDays {
		budget = float64(s.v.LimitAmount) * 5.5
	}
	if budget < 4 {
		budget = 4
	}
	switch k := r.IntN(100); {
	case k < 7:
		if !s.wait(2, budget/3+2) {
			return nil
		}
		if err := s.act(s.desk.specialist, dossier.Command{Action: dossier.ActRequestSupplement, Documents: s.docKeys(),
			Reason: "Thiếu bản sao có chứng thực của giấy tờ."}); err != nil {
			return err
		}
		if !s.wait(4, 40) {
			return nil
		}
		if r.IntN(5) == 0 {
			return s.act(s.applicantOrDesk(), dossier.Command{Action: dossier.ActWithdraw, Reason: "Người nộp xin rút hồ sơ."})
		}
		if err := s.act(s.applicantOrDesk(), dossier.Command{Action: dossier.ActSupplement}); err != nil {
			return err
		}
	case k < 9:
		if !s.wait(2, 16) {
			return nil
		}
		return s.act(s.desk.leader, dossier.Command{Action: dossier.ActStop, Reason: "Người nộp đề nghị dừng giải quyết hồ sơ."})
	case k < 17 && s.adviser != nil:
		// The specialist asks the department's opinion; the dossier stays.
		if !s.wait(2, 8) {
			return nil
		}
		if err := s.act(s.desk.specialist, dossier.Command{Action: dossier.ActConsult, ToUnit: s.adviser.code,
			Reason: "Đề nghị Sở cho ý kiến về tính hợp lệ của giấy tờ do cơ quan nước ngoài cấp."}); err != nil {
			return err
		}
		if !s.wait(4, 24) {
			return nil
		}
		if err := s.act(s.adviser.specialist, dossier.Command{Action: dossier.ActAnswerConsult,
			Reason: "Giấy tờ đã được hợp pháp hóa lãnh sự, đủ điều kiện sử dụng."}); err != nil {
			return err
		}
	}
	if s.v.FeeVND > 0 && r.IntN(2) == 0 {
		if !s.wait(1, 8) {
			return nil
		}
		if err := s.act(s.desk.specialist, dossier.Command{Action: dossier.ActRequestFee, Amount: s.v.FeeVND}); err != nil {
			return err
		}
		if !s.wait(2, 24) {
			return nil
		}
		if err := s.act(s.desk.reception, dossier.Command{Action: dossier.ActFeePaid}); err != nil {
			return err
		}
	}
	// Most dossiers finish in time; some run late, and a few of those get
	// the apology letter and a new date first.
	late := r.IntN(100) < 12
	if late && r.IntN(3) == 0 && s.d.LegalDueAt != nil && dossier.CheckApologyInTime(*s.d.LegalDueAt, *s.clock, s.cal) == nil {
		if err := s.act(s.desk.leader, dossier.Command{Action: dossier.ActReschedule, Reason: "Cần xác minh thêm thông tin với cơ quan liên quan.",
			NewDue: s.cal.AddWorkingDays(*s.d.LegalDueAt, 5).Format("2006-01-02")}); err != nil {
			return err
		}
	}
	target := budget * (0.3 + 0.6*r.Float64())
	if late {
		target = budget * (1.1 + 0.5*r.Float64())
	}
	if s.d.LegalDueAt != nil {
		left := s.cal.WorkingHoursBetween(*s.clock, *s.d.LegalDueAt)
		if !late && target > left {
			target = left * 0.9
		}
		if late && target < left {
			target = left + 4
		}
	}
	// The specialist drafts the result most of the way through; the
	// leader approves it (a few drafts go back once to be corrected).
	finishAt := s.cal.AddWorkingHours(*s.clock, target*(0.9+0.1*r.Float64()))
	if !s.wait(target*0.6, target*0.7) {
		return nil
	}
	number := fmt.Sprintf("%d/QĐ-UBND", 100+s.r.IntN(900))
	draft := dossier.Command{Action: dossier.ActDraftResult, Result: &dossier.Result{
		Number: number, Summary: "Chấp thuận theo đề nghị của người nộp hồ sơ.", Granted: true}}
	if err := s.act(s.desk.specialist, draft); err != nil {
		return err
	}
	if done, err := s.headReview(&draft); done || err != nil {
		return err
	}
	if r.IntN(10) == 0 {
		if !s.wait(1, 4) {
			return nil
		}
		if err := s.act(s.desk.leader, dossier.Command{Action: dossier.ActReturnDraft, Reason: "Đề nghị ghi rõ căn cứ pháp lý trong trích yếu."}); err != nil {
			return err
		}
		if !s.wait(1, 4) {
			return nil
		}
		draft.Result.Summary = "Chấp thuận theo đề nghị của người nộp hồ sơ, căn cứ quy định hiện hành."
		if err := s.act(s.desk.specialist, draft); err != nil {
			return err
		}
		// The redraft goes to the head of office again.
		if done, err := s.headReview(&draft); done || err != nil {
			return err
		}
	}
	if !s.waitUntil(finishAt) {
		return nil
	}
	if err := s.act(s.desk.leader, dossier.Command{Action: dossier.ActFinish}); err != nil {
		return err
	}
	if !s.wait(1, 16) {
		return nil
	}
	// The demo's results are not files (it holds no signed PDFs yet), so
	// none goes online: online applicants get theirs by post half the time.
	method := "in_person"
	if s.d.Channel == dossier.ChannelOnline && r.IntN(2) == 0 {
		method = "post"
	}
	if err := s.act(s.desk.reception, dossier.Command{Action: dossier.ActDeliver, Method: method}); err != nil {
		return err
	}
	if s.applicant.AccountID != 0 && r.IntN(2) == 0 && s.wait(1, 8) {
		rating := []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}[r.IntN(4)]
		return s.act(s.applicant, dossier.Command{Action: dossier.ActRate, Rating: rating, Comment: "Cán bộ hướng dẫn tận tình."})
	}
	if s.applicant.AccountID == 0 && method == "in_person" && r.IntN(2) == 0 {
		// A walk-in applicant without an account rates on the desk's
		// screen as the result is handed over (the rating kiosk).
		rating := []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}[r.IntN(4)]
		return s.act(s.desk.reception, dossier.Command{Action: dossier.ActRate, Rating: rating})
	}
	return nil
}

// headReview has the head of office review the pending draft where the
// template has that step: approved, or (one in eight) sent back once and
// approved when redrafted. done says the simulation reached the present
// meanwhile, with the draft still on the head's desk.
func (s *simulation) headReview(draft *dossier.Command) (done bool, err error) {
	if !s.v.HasStep(catalog.StepApproveDraft) {
		return false, nil
	}
	if !s.wait(1, 6) {
		return true, nil
	}
	if s.r.IntN(8) == 0 {
		if err := s.act(s.desk.head, dossier.Command{Action: dossier.ActReturnDraft, Reason: "Đề nghị kiểm tra lại thành phần hồ sơ và căn cứ pháp lý."}); err != nil {
			return false, err
		}
		if !s.wait(1, 4) {
			return true, nil
		}
		if err := s.act(s.desk.specialist, *draft); err != nil {
			return false, err
		}
		if !s.wait(1, 4) {
			return true, nil
		}
	}
	return false, s.act(s.desk.head, dossier.Command{Action: dossier.ActApproveDraft, Reason: "Đồng ý, trình lãnh đạo ký."})
}

// applicantOrDesk is who answers for the applicant: the citizen online, the
// desk for a walk-in applicant.
func (s *simulation) applicantOrDesk() dossier.Actor {
	if s.applicant.AccountID != 0 {
		return s.applicant
	}
	return s.desk.reception
}
