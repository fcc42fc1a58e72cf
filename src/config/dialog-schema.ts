// The `dialog` key: Kamailio's dialog parameters (modparam("dialog", ...)) for every tenant, each tenant may
// override them under its own `dialog`, and the caps on what a tenant's dialogs hold. Profiles are declared
// as Kamailio's profiles_with_value / profiles_no_value (names separated by ";" there, a list here).
import { z } from 'zod';
import { DIALOG_DEFAULTS, type DialogSettings } from '../state/dialog-store.ts';

const PROFILE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const profiles = z
  .array(z.string().regex(PROFILE_NAME, 'a profile name is letters, digits and "_" (1-64 characters)'))
  .max(256);

const dialogFields = {
  /** default_timeout: seconds a confirmed dialog lives unless dlg_set_timeout changes it [43200]. */
  default_timeout: z.number().int().min(1).max(31_536_000).optional(),
  /** send_bye: on timeout the server sends BYE to both parties before it deletes the dialog [false]. */
  send_bye: z.boolean().optional(),
  /** Dialogs the tenant tracks at most; past it dlg_manage answers -1 and counts the refusal [10 000]. */
  max_dialogs: z.number().int().min(0).max(10_000_000).optional(),
  /** Variables one dialog holds at most [32]. */
  max_vars: z.number().int().min(0).max(1024).optional(),
  /** The longest dialog variable, name and value together, in bytes [1024]. */
  max_var_bytes: z.number().int().min(1).max(65_536).optional(),
  /** Profiles whose members carry a value (set_dlg_profile(name, value)). */
  profiles_with_value: profiles.optional(),
  /** Profiles without value. */
  profiles_no_value: profiles.optional(),
};

/** A tenant's `dialog`: any key over the top-level one. */
export const tenantDialogSchema = z.object(dialogFields).strict();
export const dialogSchema = z.object(dialogFields).strict().default({});

export type DialogConfig = z.infer<typeof dialogSchema>;
export type TenantDialogConfig = z.infer<typeof tenantDialogSchema>;

/** The settings of a tenant: its own keys over the top-level ones over Kamailio's defaults. */
export function dialogSettings(top: DialogConfig, tenant: TenantDialogConfig | undefined): DialogSettings {
  const pick = <K extends keyof TenantDialogConfig>(key: K) => tenant?.[key] ?? top[key];
  return {
    defaultTimeout: pick('default_timeout') ?? DIALOG_DEFAULTS.defaultTimeout,
    sendBye: pick('send_bye') ?? DIALOG_DEFAULTS.sendBye,
    maxDialogs: pick('max_dialogs') ?? DIALOG_DEFAULTS.maxDialogs,
    maxVars: pick('max_vars') ?? DIALOG_DEFAULTS.maxVars,
    maxVarBytes: pick('max_var_bytes') ?? DIALOG_DEFAULTS.maxVarBytes,
    profilesWithValue: new Set(pick('profiles_with_value') ?? []),
    profilesNoValue: new Set(pick('profiles_no_value') ?? []),
  };
}
