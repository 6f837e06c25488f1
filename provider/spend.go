package provider

import "context"

// withNewest runs use with the newest refresh token of rt: rt itself, or the token that the
// rotations other requests made of it lead to, which it follows. use runs while the token's
// lock is held (in the process, and the Coordinator's when there is one), so that no refresh
// of the token runs meanwhile and use never presents a token that a refresh has just spent.
// The rotations followed are returned oldest first, also when use fails.
func (f *refresher) withNewest(ctx context.Context, rt string, use func(ctx context.Context, rt string) error) ([]Rotation, error) {
	var followed []Rotation
	seen := map[string]bool{}
	for {
		tk := tokenKey(rt)
		if seen[tk] {
			return followed, errRotationLoop
		}
		seen[tk] = true
		release, err := f.locks.lock(ctx, tk)
		if err != nil {
			return followed, err
		}
		rot, rotated, err := f.useLocked(ctx, rt, tk, use)
		release()
		if err != nil || !rotated {
			return followed, err
		}
		followed = append(followed, rot)
		rt = rot.Tokens.RefreshToken
	}
}

// useLocked runs with the lock of rt (tk) held: it returns the rotation that replaced rt, to
// follow, or runs use with rt.
func (f *refresher) useLocked(ctx context.Context, rt, tk string, use func(context.Context, string) error) (Rotation, bool, error) {
	if rot, ok := f.rotated(tk); ok {
		return rot, true, nil
	}
	if f.coord == nil {
		return Rotation{}, false, use(ctx, rt)
	}
	key := sharedKey(tk)
	release, err := f.lockShared(ctx, key)
	if err != nil {
		return Rotation{}, false, err
	}
	defer release()
	rec, err := f.published(ctx, key)
	if err != nil {
		return Rotation{}, false, err
	}
	if rec != nil {
		if t := rec.Tokens.tokens(); t.RefreshToken != "" && t.RefreshToken != rt {
			rot := Rotation{Audience: rec.Audience, Scope: rec.Scope, Tokens: t}
			f.rememberRotation(tk, rot)
			return rot, true, nil
		}
	}
	return Rotation{}, false, use(ctx, rt)
}
