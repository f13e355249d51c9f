/** Who a rescue's mail is from, besides the configured address: its name, and where replies go. */
export interface MailSender {
  fromName: string;
  replyTo?: string;
}

// The schema's limit for a display name, less " via Kona".
const maxNameLength = 200 - ' via Kona'.length;

/** `"<Rescue name> via Kona"`, with Reply-To the rescue's contact email when it has one. */
export function rescueMailSender(rescueName: string, contactEmail?: string): MailSender {
  const name = rescueName.trim().slice(0, maxNameLength).trim() || 'A rescue';
  return { fromName: `${name} via Kona`, ...(contactEmail ? { replyTo: contactEmail } : {}) };
}
