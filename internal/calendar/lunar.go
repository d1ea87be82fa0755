// Package calendar owns the Vietnamese working-day calendar: the lunar
// calendar, public holidays, administrator overrides and due-date rules.
package calendar

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// The Vietnamese lunisolar calendar, computed from astronomy rather than from
// tables:
//
//   - a day runs from local midnight to local midnight in UTC+7 (the Chinese
//     calendar uses UTC+8, which is why Tết 2007 and 2030 differ);
//   - a month starts on the local day of a new moon;
//   - the month that contains the December solstice is month 11;
//   - when 13 months run from one month 11 to the next, the first of them
//     that contains no major solar term (solar longitude a multiple of 30°)
//     is leap and repeats the number of the month before it.
//
// New moons follow Meeus, Astronomical Algorithms ch. 49 (mean phase plus
// periodic and planetary corrections, accurate to seconds); the Sun's
// apparent longitude follows Meeus ch. 25 (about 0.01°, i.e. minutes of
// time). Both are in dynamical time and are brought to UT with ΔT.
// Results are meant for the years 1800–2200 and are tested for 1900–2100.

// LunarDate is a date of the Vietnamese lunar calendar. Year is the Gregorian
// year in which that lunar year begins (lunar year 2025 = Ất Tỵ, which began
// on 2025-01-29); Leap marks the intercalary repetition of Month.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool
}

// String formats the date as D/M/Y, with "n" after the month for a leap month
// (the customary Vietnamese "tháng nhuận").
func (ld LunarDate) String() string {
	leap := ""
	if ld.Leap {
		leap = "n"
	}
	return fmt.Sprintf("%d/%d%s/%d", ld.Day, ld.Month, leap, ld.Year)
}

// vnZone is the fixed UTC+7 zone in which the lunar calendar is defined. It is
// deliberately not Asia/Ho_Chi_Minh from tzdata: the official calendar uses
// UTC+7 for every year, whatever clocks in the south showed before 1975.
var vnZone = time.FixedZone("UTC+7", 7*60*60)

const (
	// tzDays is the UTC+7 offset in days.
	tzDays = 7.0 / 24
	// unixEpochJDN is the Julian day number of 1970-01-01.
	unixEpochJDN = 2440588
)

// jdn returns the Julian day number of a (proleptic) Gregorian date; invalid
// days are normalised the way time.Date does it.
func jdn(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400) + unixEpochJDN
}

// jdnDate is the inverse of jdn.
func jdnDate(j int) (int, time.Month, int) {
	return time.Unix(int64(j-unixEpochJDN)*86400, 0).UTC().Date()
}

func sinDeg(x float64) float64 { return math.Sin(x * math.Pi / 180) }

// deltaT returns TT−UT in seconds for a decimal year, after the polynomial
// expressions of Espenak & Meeus (NASA Five Millennium Canon). Outside
// 1800–2150 the long-term parabola is used.
func deltaT(y float64) float64 {
	switch {
	case y < 1800:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1860:
		t := y - 1800
		return 13.72 - 0.332447*t + 0.0068612*t*t + 0.0041116*t*t*t - 0.00037436*math.Pow(t, 4) +
			0.0000121272*math.Pow(t, 5) - 0.0000001699*math.Pow(t, 6) + 0.000000000875*math.Pow(t, 7)
	case y < 1900:
		t := y - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t - 0.0004473624*math.Pow(t, 4) + math.Pow(t, 5)/233174
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*math.Pow(t, 4)
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*math.Pow(t, 4) + 0.00002373599*math.Pow(t, 5)
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	}
}

// jdYear converts a Julian date to an approximate decimal year, good enough
// to pick ΔT.
func jdYear(jd float64) float64 { return 2000 + (jd-2451545)/365.25 }

// newMoonJDE returns the Julian ephemeris day of true new moon number k
// (k = 0 is the new moon of 6 January 2000), Meeus ch. 49.
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := 2451550.09766 + 29.530588861*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	e := 1 - 0.002516*t - 0.0000074*t2
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3                      // Sun's mean anomaly
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4 // Moon's mean anomaly
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4  // Moon's argument of latitude
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3                    // longitude of the ascending node

	c := -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	// Planetary arguments.
	a := [14]float64{
		299.77 + 0.107408*kf - 0.009173*t2,
		251.88 + 0.016321*kf,
		251.83 + 26.651886*kf,
		349.42 + 36.412478*kf,
		84.66 + 18.206239*kf,
		141.74 + 53.303771*kf,
		207.14 + 2.453732*kf,
		154.84 + 7.306860*kf,
		34.52 + 27.261239*kf,
		207.19 + 0.121824*kf,
		291.34 + 1.844379*kf,
		161.72 + 24.198154*kf,
		239.56 + 25.513099*kf,
		331.55 + 3.592518*kf,
	}
	coef := [14]float64{
		0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
		0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023,
	}
	for i := range a {
		c += coef[i] * sinDeg(a[i])
	}
	return jde + c
}

// newMoonDay returns the Julian day number of the UTC+7 civil day on which
// new moon k falls.
func newMoonDay(k int) int {
	jde := newMoonJDE(k)
	jd := jde - deltaT(jdYear(jde))/86400
	return int(math.Floor(jd + 0.5 + tzDays))
}

// sunLongitude returns the Sun's apparent geocentric longitude in degrees,
// [0, 360), at Julian ephemeris day jde (Meeus ch. 25, low accuracy).
func sunLongitude(jde float64) float64 {
	t := (jde - 2451545.0) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := 357.52911 + 35999.05029*t - 0.0001537*t*t
	c := (1.914602-0.004817*t-0.000014*t*t)*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000289*sinDeg(3*m)
	om := 125.04 - 1934.136*t
	lambda := l0 + c - 0.00569 - 0.00478*sinDeg(om)
	lambda = math.Mod(lambda, 360)
	if lambda < 0 {
		lambda += 360
	}
	return lambda
}

// sunSector returns which 30° sector (0 = 0°–30°, …, 9 = 270°–300°) the Sun
// is in at the local midnight that starts day d. A major term falls on day d
// exactly when sunSector(d) != sunSector(d+1), so comparing the sectors at
// the starts of two months tells whether a major term lies between them.
func sunSector(d int) int {
	jd := float64(d) - 0.5 - tzDays
	jde := jd + deltaT(jdYear(jd))/86400
	return int(sunLongitude(jde) / 30)
}

// kAt returns the number of the new moon that starts the lunar month
// containing day d.
func kAt(d int) int {
	k := int(math.Floor((float64(d) - 2451551) / 29.530588861))
	for newMoonDay(k+1) <= d {
		k++
	}
	for newMoonDay(k) > d {
		k--
	}
	return k
}

// month11 returns the new-moon number of month 11 of the lunar year that
// begins in Gregorian year y, i.e. the month containing the December
// solstice of year y.
func month11(y int) int {
	k := kAt(jdn(y, time.December, 31))
	// Sector 9 is 270°–300°: if the Sun is already past the solstice when
	// this month starts, the solstice belongs to the month before.
	if sunSector(newMoonDay(k)) >= 9 {
		k--
	}
	return k
}

// lunarSpan describes the 12 or 13 months from month 11 of lunar year y up to
// (excluding) month 11 of lunar year y+1.
type lunarSpan struct {
	y      int     // lunar year of the first month (a month 11)
	n      int     // number of months: 12, or 13 when one is leap
	leap   int     // index of the leap month in starts, 0 if none
	starts [14]int // JDN of the first day of each month; starts[n] is the next month 11
}

// month returns the number and leap flag of month i of the span.
func (s *lunarSpan) month(i int) (int, bool) {
	num := i
	if s.leap != 0 && i >= s.leap {
		num = i - 1
	}
	return (num+10)%12 + 1, s.leap != 0 && i == s.leap
}

// spans caches lunarSpan by year: building one costs ~30 new-moon and
// solar-longitude evaluations, and every conversion needs one or two.
var spans sync.Map // int → *lunarSpan

// minCachedSpan and maxCachedSpan bound the caches so that hostile inputs
// cannot grow them without limit; other years are computed each time.
const minCachedSpan, maxCachedSpan = 1000, 3000

func spanFor(y int) *lunarSpan {
	if v, ok := spans.Load(y); ok {
		return v.(*lunarSpan)
	}
	s := &lunarSpan{y: y}
	ka, kb := month11(y), month11(y+1)
	s.n = kb - ka
	for i := 0; i <= s.n; i++ {
		s.starts[i] = newMoonDay(ka + i)
	}
	if s.n == 13 {
		// The first month without a major term is leap. Month 0 holds the
		// solstice, so the search starts at 1; one is bound to be found
		// because 12 months share only 11 major terms.
		for i := 1; i < 13; i++ {
			if sunSector(s.starts[i]) == sunSector(s.starts[i+1]) {
				s.leap = i
				break
			}
		}
	}
	if y >= minCachedSpan && y <= maxCachedSpan {
		spans.Store(y, s)
	}
	return s
}

// SolarToLunar converts a Gregorian date (invalid days are normalised as by
// time.Date) to the Vietnamese lunar calendar computed for UTC+7.
func SolarToLunar(y int, m time.Month, d int) LunarDate {
	dn := jdn(y, m, d)
	y, _, _ = jdnDate(dn)
	s := spanFor(y)
	if dn < s.starts[0] {
		s = spanFor(y - 1)
	}
	i := 0
	for i+1 < s.n && s.starts[i+1] <= dn {
		i++
	}
	month, leap := s.month(i)
	year := s.y + 1
	if month >= 11 {
		// Months 11 and 12 open the span and still belong to year s.y.
		year = s.y
	}
	return LunarDate{Year: year, Month: month, Day: dn - s.starts[i] + 1, Leap: leap}
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian date, as a
// time at 00:00 in the fixed UTC+7 zone. It fails when the month or day is
// out of range, when the month has only 29 days and Day is 30, or when ld is
// leap but that year has no such leap month.
func LunarToSolar(ld LunarDate) (time.Time, error) {
	if ld.Month < 1 || ld.Month > 12 {
		return time.Time{}, fmt.Errorf("calendar: lunar month %d out of range", ld.Month)
	}
	if ld.Day < 1 || ld.Day > 30 {
		return time.Time{}, fmt.Errorf("calendar: lunar day %d out of range", ld.Day)
	}
	var s *lunarSpan
	if ld.Month >= 11 {
		s = spanFor(ld.Year)
	} else {
		s = spanFor(ld.Year - 1)
	}
	num := (ld.Month + 1) % 12 // index of the month in a span without leap month
	i := num
	switch {
	case ld.Leap:
		if s.leap == 0 || s.leap-1 != num {
			return time.Time{}, fmt.Errorf("calendar: lunar year %d has no leap month %d", ld.Year, ld.Month)
		}
		i = s.leap
	case s.leap != 0 && num >= s.leap:
		i = num + 1
	}
	if n := s.starts[i+1] - s.starts[i]; ld.Day > n {
		return time.Time{}, fmt.Errorf("calendar: lunar month %d/%d has %d days, not %d", ld.Month, ld.Year, n, ld.Day)
	}
	y, m, d := jdnDate(s.starts[i] + ld.Day - 1)
	return time.Date(y, m, d, 0, 0, 0, 0, vnZone), nil
}

// LeapMonth returns the number of the leap month of lunar year y, or 0 when
// the year has none.
func LeapMonth(y int) int {
	// A leap month of year y lies in the span starting at month 11 of y−1
	// (months 1–10) or in the one starting at month 11 of y (leap 11 or 12).
	if s := spanFor(y - 1); s.leap != 0 {
		if m, _ := s.month(s.leap); m <= 10 {
			return m
		}
	}
	if s := spanFor(y); s.leap != 0 {
		if m, _ := s.month(s.leap); m >= 11 {
			return m
		}
	}
	return 0
}
