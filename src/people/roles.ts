// The roles a user holds across Headway and within a plan: kept apart from the commands so that `headway help` can
// name them without loading the database.
import type { PlanRole, UserRole } from '../db/schema.js';

export const userRoles: readonly UserRole[] = ['admin', 'manager', 'contributor', 'viewer', 'staff'];
export const planRoles: readonly PlanRole[] = ['manager', 'contributor', 'viewer'];
