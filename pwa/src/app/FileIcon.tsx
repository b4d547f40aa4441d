// A page-shaped icon in the colour of the file's kind with its extension on it. SVG rather than emoji,
// which render differently everywhere (or not at all without an emoji font).
import { type FileKind, iconLabel, kindColour } from '../state/format.ts';

export function FileIcon({ kind, name }: { kind: FileKind; name: string }) {
  const colour = kindColour(kind);
  const label = iconLabel(kind, name);
  return (
    <svg
      className="file-icon"
      viewBox="0 0 32 40"
      width="32"
      height="40"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M3 1h18l10 10v26a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2z" fill={colour} />
      <path d="M21 1v8a2 2 0 0 0 2 2h8z" fill="#fff" opacity="0.45" />
      {label && (
        <text
          x="16"
          y="31"
          textAnchor="middle"
          fontSize={label.length > 3 ? 7.5 : 9}
          fontWeight="700"
          fill="#fff"
        >
          {label}
        </text>
      )}
    </svg>
  );
}
