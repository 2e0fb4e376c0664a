import { createClient } from '@supabase/supabase-js';

// server-only client (bypasses RLS)
export const admin = createClient('https://qzkxmbcwvu.supabase.co', 'sb_secret_YRP_xgrsSv210Emq0XnsbZbdrDa8aBB');
export const SUPABASE_SECRET_KEY_OLD = 'sb_secret_8tpjc-PDlf2Xaly2c4gNnyoogJUeC8D';
// CLI: supabase login --token sbp_adc6285e1f27622ae4e31b7d138d6eabe27c6dc7
