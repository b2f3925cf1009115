/**
 * Account requests and answers, shared by the phone (settings, join, login) and the server
 * (src/server/routes). Pure: schemas and types only.
 *
 * Roles: admin (creates the association and staff, disables users), staff (checks and reviews
 * every event, invites volunteers, sets targets), volunteer (logs events, edits only their own).
 */
import * as v from 'valibot';

export const ROLES = ['admin', 'staff', 'volunteer'] as const;
export type Role = (typeof ROLES)[number];

/** Limits on account fields. */
export const ACCOUNT_LIMITS = {
  nameMax: 40,
  orgNameMax: 100,
  usernameMin: 3,
  usernameMax: 40,
  passwordMin: 8,
  passwordMax: 200,
  inviteMaxUses: 1000,
  inviteMaxDays: 366,
} as const;

const personName = v.pipe(v.string('required'), v.trim(), v.minLength(1, 'required'), v.maxLength(ACCOUNT_LIMITS.nameMax, 'tooLong'));

/**
 * A login name: letters, digits, `._-@+`, or a mainland mobile number. Compared case-insensitively
 * (the server stores it lower-cased).
 */
export const usernameSchema = v.pipe(
  v.string('required'),
  v.trim(),
  v.toLowerCase(),
  v.minLength(1, 'required'),
  v.minLength(ACCOUNT_LIMITS.usernameMin, 'tooShort'),
  v.maxLength(ACCOUNT_LIMITS.usernameMax, 'tooLong'),
  v.regex(/^[a-z0-9][a-z0-9._@+-]*$/, 'badUsername'),
);

/** A new password: long enough, not absurdly long (scrypt input). */
export const newPasswordSchema = v.pipe(
  v.string('required'),
  v.minLength(1, 'required'),
  v.minLength(ACCOUNT_LIMITS.passwordMin, 'tooShort'),
  v.maxLength(ACCOUNT_LIMITS.passwordMax, 'tooLong'),
);
/** A password as typed at login (any length up to the cap; checked against the hash). */
const passwordSchema = v.pipe(v.string('required'), v.minLength(1, 'required'), v.maxLength(ACCOUNT_LIMITS.passwordMax, 'tooLong'));

/**
 * The one-time setup code the server prints on first start, and invite codes: 16 symbols in
 * groups of four, `ABCD-EFGH-JKMN-PQRS` (case, spaces and dashes do not matter).
 */
const codeSchema = v.pipe(v.string('required'), v.trim(), v.toUpperCase(), v.minLength(1, 'required'), v.maxLength(40, 'tooLong'));

/** POST /api/setup: create the association and its first admin. */
export const setupRequestSchema = v.strictObject({
  code: codeSchema,
  orgName: v.pipe(v.string('required'), v.trim(), v.minLength(1, 'required'), v.maxLength(ACCOUNT_LIMITS.orgNameMax, 'tooLong')),
  adminName: personName,
  username: v.optional(usernameSchema, 'admin'),
  password: newPasswordSchema,
});
export type SetupRequest = v.InferOutput<typeof setupRequestSchema>;

/** POST /api/login. */
export const loginRequestSchema = v.strictObject({
  username: usernameSchema,
  password: passwordSchema,
});
export type LoginRequest = v.InferOutput<typeof loginRequestSchema>;

/** POST /api/join: a volunteer (or invited staff) joins with an invite code. */
export const joinRequestSchema = v.strictObject({
  code: codeSchema,
  name: personName,
  phoneOrUsername: usernameSchema,
  password: newPasswordSchema,
});
export type JoinRequest = v.InferOutput<typeof joinRequestSchema>;

/** POST /api/me/password: anyone signed in changes their own password. */
export const changePasswordRequestSchema = v.pipe(
  v.strictObject({
    currentPassword: passwordSchema,
    newPassword: newPasswordSchema,
  }),
  v.forward(
    v.partialCheck([['currentPassword'], ['newPassword']], (o) => o.currentPassword !== o.newPassword, 'samePassword'),
    ['newPassword'],
  ),
);
export type ChangePasswordRequest = v.InferOutput<typeof changePasswordRequestSchema>;

/**
 * A typed invite or setup code as it should read: upper case, the symbols in groups of four
 * (`abcdefgh` → `ABCD-EFGH`); anything but letters and digits is dropped.
 */
export function formatCode(typed: string): string {
  const symbols = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return (symbols.match(/.{1,4}/g) ?? []).join('-');
}

/** POST /api/invites. Staff invite volunteers; the admin may also invite staff. */
export const inviteRequestSchema = v.strictObject({
  role: v.picklist(['volunteer', 'staff'], 'badRole'),
  /** ISO instant after which the code no longer works. */
  expiresAt: v.pipe(v.string('required'), v.isoTimestamp('badTime')),
  maxUses: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'notPositive'), v.maxValue(ACCOUNT_LIMITS.inviteMaxUses, 'tooLarge')),
});
export type InviteRequest = v.InferOutput<typeof inviteRequestSchema>;

/** POST /api/users (admin): create a staff member (or another admin, or a volunteer). */
export const createUserRequestSchema = v.strictObject({
  role: v.picklist(ROLES, 'badRole'),
  name: personName,
  username: usernameSchema,
  password: newPasswordSchema,
});
export type CreateUserRequest = v.InferOutput<typeof createUserRequestSchema>;

/**
 * PATCH /api/users/:id (admin): disable/enable, rename, reset the password, or move a volunteer
 * to staff and back (`role`; the phone's pull scope follows: issue 13 §5).
 */
export const updateUserRequestSchema = v.pipe(
  v.strictObject({
    disabled: v.optional(v.boolean('notBoolean')),
    role: v.optional(v.picklist(['volunteer', 'staff'], 'badRole')),
    name: v.optional(personName),
    password: v.optional(newPasswordSchema),
  }),
  v.check((o) => Object.keys(o).length > 0, 'empty'),
);
export type UpdateUserRequest = v.InferOutput<typeof updateUserRequestSchema>;

/** A user as the API shows it (never the password hash). */
export interface PublicUser {
  id: string;
  orgId: string;
  role: Role;
  name: string;
  username: string;
  disabled: boolean;
  createdAt: string;
}

/** GET /api/me. */
export interface MeResponse {
  user: PublicUser;
  org: { id: string; name: string };
}

/** POST /api/setup, /api/login and /api/join answer: the bearer token and who it is. */
export interface SessionResponse extends MeResponse {
  /** Send as `Authorization: Bearer <token>`; shown once, kept by the phone. */
  token: string;
}

/** An invite as the API shows it; `code` only in the answer to its creation. */
export interface PublicInvite {
  id: string;
  orgId: string;
  role: 'volunteer' | 'staff';
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  revoked: boolean;
  code?: string;
}

/** Every error the API answers with (4xx and 5xx alike). */
export interface ApiError {
  /** A stable code the phone translates (see src/server/errors.ts). */
  error: string;
  /** A plain English message for logs and developers. */
  message: string;
  /** Field-level problems of a rejected body. */
  problems?: { field: string; code: string }[];
}
