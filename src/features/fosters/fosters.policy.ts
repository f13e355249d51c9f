import type { StaffRole } from '../../platform/db/schema.js';
import { can } from '../../platform/http/permissions.js';

/** Who is acting: a signed-in member of the rescue. */
export interface Member {
  id: string;
  role: StaffRole;
}

/** Whether a member may place dogs with fosters and end placements. */
export function mayManageFosters(member: Member): boolean {
  return can(member.role, 'fosters.manage');
}

/**
 * Whether a member may write a note on a dog whose current foster is `fosterId`: staff and admins on
 * any dog, a foster only on a dog in their care now.
 */
export function mayWriteNote(member: Member, fosterId: string | null): boolean {
  if (!can(member.role, 'notes.write')) return false;
  return member.role !== 'foster' || fosterId === member.id;
}
