import { useEffect, useRef } from 'react';
import { useVirtualRows } from '../../components/useVirtualRows';
import type { Server } from '../../../../shared/model/server';
import { ServerRow } from './ServerRow';

/** A row without probe facts: icon, name and address, and the actions; rows measure themselves once drawn. */
const ROW_PX = 66;
const GAP_PX = 12;
const OVERSCAN = 6;
/** The list gives way to the page on a short window, but keeps about two rows. */
const MIN_LIST_PX = 2 * (ROW_PX + GAP_PX);

/**
 * The servers, in a scroll box of their own that draws only the rows in view:
 * there may be hundreds, and each row follows its connection status.
 * `reveal` (the palette's "go to a server") scrolls to that server and
 * focuses its first action once it is listed.
 */
export function ServerList({ servers, filter, reveal, onEdit, onRemove, id }: {
  servers: readonly Server[];
  /** The filter that chose `servers`: a new one shows its first matches. */
  filter: string;
  reveal: { id: string } | undefined;
  onEdit(server: Server): void;
  onRemove(server: Server): void;
  id?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const list = useVirtualRows({ count: servers.length, estimatePx: ROW_PX, gapPx: GAP_PX, overscan: OVERSCAN, rowKey: (i) => servers[i]!.id, scrollRef, topOn: filter });

  const revealed = useRef<object>(undefined);
  const { focusRow } = list;
  useEffect(() => {
    if (!reveal || revealed.current === reveal) return;
    const index = servers.findIndex((s) => s.id === reveal.id);
    if (index < 0) return; // not listed yet: tried again when the list arrives
    revealed.current = reveal;
    focusRow(index);
  }, [reveal, servers, focusRow]);

  return (
    <div className="server-list-scroll" ref={scrollRef} style={{ minHeight: Math.min(MIN_LIST_PX, list.totalPx) }} {...list.containerProps}>
      <div id={id} className="server-list" style={{ height: list.totalPx }}>
        {list.items.map((item) => {
          const server = servers[item.index]!;
          return <ServerRow key={item.key} server={server} rowProps={list.rowProps(item)} onEdit={() => onEdit(server)} onRemove={() => onRemove(server)} />;
        })}
      </div>
    </div>
  );
}
