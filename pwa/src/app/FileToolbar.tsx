import type { FileViewOptions, SortOrder } from '../state/fileView.ts';

export function FileToolbar({
  options,
  onChange,
}: {
  options: FileViewOptions;
  onChange: (o: FileViewOptions) => void;
}) {
  return (
    <div className="file-toolbar">
      <div className="field grow">
        <label htmlFor="file-search">Search</label>
        <input
          id="file-search"
          type="search"
          placeholder="Name or folder"
          value={options.query}
          onChange={(e) => onChange({ ...options, query: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="file-sort">Sort by</label>
        <select
          id="file-sort"
          value={options.sort}
          onChange={(e) => onChange({ ...options, sort: e.target.value as SortOrder })}
        >
          <option value="newest">Newest</option>
          <option value="name">Name</option>
          <option value="size">Size</option>
        </select>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={options.availableOnly}
          onChange={(e) => onChange({ ...options, availableOnly: e.target.checked })}
        />
        Available now
      </label>
    </div>
  );
}
