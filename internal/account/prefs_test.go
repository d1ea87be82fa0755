package account

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
)

func TestPreferencesWants(t *testing.T) {
	both := &Account{Email: "an@example.vn", Phone: "0912345678"}
	mailOnly := &Account{Email: "an@example.vn"}
	phoneOnly := &Account{Phone: "0912345678"}
	none := &Account{}
	all := func(k NoticeKind) []Choice {
		return []Choice{{k, ChannelEmail}, {k, ChannelSMS}, {k, ChannelZalo}}
	}
	tests := []struct {
		name   string
		a      *Account
		on     []Choice
		chosen bool
		want   []Choice
	}{
		{"defaults: e-mail for all, SMS for results", both, nil, false,
			[]Choice{{NoticeProgress, ChannelEmail}, {NoticeResult, ChannelEmail}, {NoticeResult, ChannelSMS}}},
		{"defaults without a phone: e-mail only", mailOnly, nil, false,
			[]Choice{{NoticeProgress, ChannelEmail}, {NoticeResult, ChannelEmail}}},
		{"defaults without an e-mail: SMS for results", phoneOnly, nil, false,
			[]Choice{{NoticeResult, ChannelSMS}}},
		{"defaults without contacts: nothing", none, nil, false, nil},
		{"chosen: exactly the choice", both, []Choice{{NoticeProgress, ChannelZalo}}, true,
			[]Choice{{NoticeProgress, ChannelZalo}}},
		{"chosen none: nothing, not the defaults", both, []Choice{}, true, nil},
		{"a chosen channel whose contact went: not wanted", mailOnly, append(all(NoticeProgress), all(NoticeResult)...), true,
			[]Choice{{NoticeProgress, ChannelEmail}, {NoticeResult, ChannelEmail}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PreferencesOf(tt.a, tt.on, tt.chosen).Wanted()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Wanted() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApplyContactChange(t *testing.T) {
	s := func(v string) *string { return &v }
	l := func(v ...string) *[]string { return &v }
	a := &Account{Phone: "0912345678", Email: "an@example.vn"}
	chosenSMS := PreferencesOf(a, []Choice{{NoticeResult, ChannelSMS}}, true)
	defaults := PreferencesOf(a, nil, false)
	tests := []struct {
		name        string
		prefs       Preferences
		in          ContactChange
		wantPhone   string
		wantEmail   string
		wantChoices []Choice // nil: the choice is left alone
		wantFields  []string // the fields in error; nil for success
	}{
		{"phone normalised", defaults, ContactChange{Phone: s("+84 987 654 321")}, "0987654321", "an@example.vn", nil, nil},
		{"bad phone refused", defaults, ContactChange{Phone: s("12345")}, "", "", nil, []string{"phone"}},
		{"bad e-mail refused", defaults, ContactChange{Email: s("an@")}, "", "", nil, []string{"email"}},
		{"e-mail removed under the defaults", defaults, ContactChange{Email: s(" ")}, "0912345678", "", nil, nil},
		{"choice saved", defaults, ContactChange{Notifications: l("progress.zalo", "result.email", "progress.zalo")}, "0912345678", "an@example.vn",
			[]Choice{{NoticeProgress, ChannelZalo}, {NoticeResult, ChannelEmail}}, nil},
		{"choice of none saved", defaults, ContactChange{Notifications: l()}, "0912345678", "an@example.vn", []Choice{}, nil},
		{"SMS without a phone refused", defaults, ContactChange{Phone: s(""), Notifications: l("result.sms")}, "", "", nil, []string{"result.sms"}},
		{"e-mail channel without an address refused", defaults, ContactChange{Email: s(""), Notifications: l("progress.email")}, "", "", nil, []string{"progress.email"}},
		{"removing the phone the chosen SMS goes to refused", chosenSMS, ContactChange{Phone: s("")}, "", "", nil, []string{"result.sms"}},
		{"unknown channel refused", defaults, ContactChange{Notifications: l("result.fax")}, "", "", nil, []string{"notifications"}},
		{"bad phone: one error, not two", defaults, ContactChange{Phone: s("abc"), Notifications: l("result.sms")}, "", "", nil, []string{"phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyContactChange(a, tt.prefs, tt.in)
			if tt.wantFields != nil {
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.Invalid {
					t.Fatalf("error %v, want Invalid", err)
				}
				var names []string
				for _, f := range e.Fields {
					names = append(names, f.Name)
					if f.Message == "" || f.MessageEN == "" {
						t.Errorf("field %s without a message in both languages", f.Name)
					}
				}
				if !reflect.DeepEqual(names, tt.wantFields) {
					t.Errorf("fields %v, want %v", names, tt.wantFields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Phone != tt.wantPhone || got.Email != tt.wantEmail {
				t.Errorf("contact %q %q, want %q %q", got.Phone, got.Email, tt.wantPhone, tt.wantEmail)
			}
			switch {
			case tt.wantChoices == nil && got.Choices != nil:
				t.Errorf("choice changed to %v", *got.Choices)
			case tt.wantChoices != nil && (got.Choices == nil || !reflect.DeepEqual(*got.Choices, tt.wantChoices)):
				t.Errorf("choice %v, want %v", got.Choices, tt.wantChoices)
			}
		})
	}
}

func TestNormalizeBirthDate(t *testing.T) {
	tests := map[string]string{
		"02/09/1999": "1999-09-02", // VNeID
		"1999-09-02": "1999-09-02", // OpenID birthdate
		"2/9/1999":   "1999-09-02",
		"0000-09-02": "", // OpenID: year unknown
		"1999":       "",
		"":           "",
		"31/02/1999": "",
	}
	for in, want := range tests {
		if got := NormalizeBirthDate(in); got != want {
			t.Errorf("NormalizeBirthDate(%q) = %q, want %q", in, got, want)
		}
	}
}
