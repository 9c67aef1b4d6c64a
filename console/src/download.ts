// A file download in the browser (the reports' CSV export).

/** Offers the text as a file download (UTF-8 with a BOM, so spreadsheets read Vietnamese right). */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
