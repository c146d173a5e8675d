package testkit

import (
	"errors"
	"testing"
	"time"
)

func TestClockAndErrLog(t *testing.T) {
	t0 := time.UnixMilli(1767225600000)
	c := NewClock(t0)
	c.Advance(time.Minute)
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Errorf("Now = %v after Advance", c.Now())
	}
	c.Set(t0)
	if !c.Now().Equal(t0) {
		t.Errorf("Now = %v after Set", c.Now())
	}
	var l ErrLog
	target := errors.New("target")
	l.Hook(nil, errors.New("other"))
	l.Hook(nil, target)
	if len(l.All()) != 2 || !l.Has(target) || l.Has(errors.New("absent")) {
		t.Errorf("All %v, Has wrong", l.All())
	}
	if got := l.Take(); len(got) != 2 || len(l.All()) != 0 {
		t.Errorf("Take returned %v and left %v", got, l.All())
	}
}
