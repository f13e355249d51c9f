/** What became of one uploaded file, as the page and the script show it. */
export interface UploadResult {
  /** The file's name as the person chose it (shown only; never used for storage). */
  name: string;
  ok: boolean;
  message: string;
  status: number;
  photoId?: string;
}
