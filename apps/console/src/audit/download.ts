/** Hands the browser a file to save, as a link with `download` would: the text stays byte for byte what it is. */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // the download has taken the blob once the click is handled
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
