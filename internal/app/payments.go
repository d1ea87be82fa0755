package app

import (
	"log/slog"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/store"
)

// paymentService builds the payment domain over the store and the dossier
// service, with the gateways the configuration names.
func paymentService(db *store.DB, svc *dossier.Service, log *slog.Logger, now func() time.Time) *payment.Service {
	return &payment.Service{Store: db, Dossiers: svc, Versions: db, Gateways: map[string]payment.Gateway{}, Now: now, Log: log}
}
