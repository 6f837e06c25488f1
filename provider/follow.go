package provider

import "context"

// follow runs step with rt's lock held (tk is its tokenKey); when step returns a rotation that
// replaced rt, it runs step again with the rotation's refresh token, under that token's lock,
// and so on until step is done. It returns the rotations followed, oldest first, also when step
// fails.
func (f *refresher) follow(ctx context.Context, rt string, step func(ctx context.Context, rt, tk string) (rot Rotation, rotated bool, err error)) ([]Rotation, error) {
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
		rot, rotated, err := step(ctx, rt, tk)
		release()
		if err != nil || !rotated {
			return followed, err
		}
		followed = append(followed, rot)
		rt = rot.Tokens.RefreshToken
	}
}

// withNewest runs use with the newest refresh token of rt: rt itself, or the token that the
// rotations other requests made of it lead to, which it follows. use runs while the token's
// lock is held (in the process, and the Coordinator's when there is one), so that no refresh
// of the token runs meanwhile and use never presents a token that a refresh has just spent.
// The rotations followed are returned oldest first, also when use fails.
func (f *refresher) withNewest(ctx context.Context, rt string, use func(ctx context.Context, rt string) error) ([]Rotation, error) {
	return f.follow(ctx, rt, func(ctx context.Context, rt, tk string) (Rotation, bool, error) {
		return f.useLocked(ctx, rt, tk, use)
	})
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
	if rot, ok := rec.rotationOf(rt); ok {
		f.rememberRotation(tk, rot)
		return rot, true, nil
	}
	return Rotation{}, false, use(ctx, rt)
}
