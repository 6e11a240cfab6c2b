import { useId, useState, type DragEvent } from 'react';
import { ROLE_LABELS, stage, type FileRole, type StagedFile } from '../../session/fileRoles';
import { formatBytes } from '../../util/format';

const ACCEPT = '.npy,.npz,.safetensors,.txt,.json,.jsonl';

/**
 * Choosing files: a drop zone around a real, labelled `<input type=file multiple>` (so the
 * keyboard and screen readers get the browser's own file dialog), then the staged list where
 * each file's guessed role can be corrected before loading.
 */
export function FilePicker({
  busy,
  onLoad,
}: {
  busy: boolean;
  onLoad: (files: StagedFile[]) => void;
}) {
  const [staged, setStaged] = useState<StagedFile[]>([]);
  const [over, setOver] = useState(false);
  const inputId = useId();
  const add = (files: FileList | null) => {
    if (files && files.length) setStaged((s) => [...s, ...stage(files)]);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };
  const setRole = (i: number, role: FileRole) =>
    setStaged((s) => s.map((f, j) => (j === i ? { ...f, role } : f)));

  return (
    <div>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="data.dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId}>
          Drop files here or <span className="linklike">choose files</span>: activations (.npy,
          .safetensors, .npz; several files are read as shards in name order) and optionally tokens
          (.txt, .json, .jsonl, or token ids .npy with a vocabulary .json).
        </label>
        <input
          id={inputId}
          type="file"
          multiple
          accept={ACCEPT}
          data-testid="data.files"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = ''; // choosing the same file again is a new choice
          }}
        />
      </div>
      {staged.length > 0 && (
        <form
          className="staged"
          onSubmit={(e) => {
            e.preventDefault();
            onLoad(staged);
            setStaged([]);
          }}
        >
          <table data-testid="data.staged">
            <caption>Files to load</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Use as</th>
              </tr>
            </thead>
            <tbody>
              {staged.map((f, i) => (
                <tr key={`${f.file.name}-${i}`}>
                  <td className="mono">{f.file.name}</td>
                  <td>{formatBytes(f.file.size)}</td>
                  <td>
                    <select
                      aria-label={`Use ${f.file.name} as`}
                      value={f.role}
                      onChange={(e) => setRole(i, e.target.value as FileRole)}
                      data-testid="data.role"
                    >
                      {(Object.keys(ROLE_LABELS) as FileRole[]).map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="controls">
            <button type="submit" disabled={busy} data-testid="data.load">
              Load dataset
            </button>
            <button type="button" className="secondary" onClick={() => setStaged([])}>
              Clear
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
