//! Spreading independent work over the machine's cores, keeping results in order.

/// How many threads to use: the cores available, at most 8.
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// `work(i)` for every i in `0..count`, in contiguous chunks on all cores; results in order.
pub(crate) fn map<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let chunk = count.div_ceil(workers()).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = (0..count)
            .step_by(chunk)
            .map(|start| {
                scope.spawn(move || (start..(start + chunk).min(count)).map(work).collect::<Vec<T>>())
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().expect("a worker thread panicked")).collect()
    })
}

/// `work` on `0..count` cut into one contiguous range per core, for many light items (a
/// million activities); the ranges' results in order.
pub(crate) fn ranges<T: Send>(count: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let pieces = workers().min(count).max(1);
    let size = count.div_ceil(pieces);
    map(pieces, |piece| work(piece * size..((piece + 1) * size).min(count)))
}

/// `work(start, piece)` on `items` cut into one contiguous piece per core, each piece changed
/// in place and `start` its first item's index; the pieces' results in order.
pub(crate) fn pieces_mut<T: Send, R: Send>(
    items: &mut [T],
    work: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let size = items.len().div_ceil(workers()).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks_mut(size)
            .enumerate()
            .map(|(number, piece)| scope.spawn(move || work(number * size, piece)))
            .collect();
        handles.into_iter().map(|handle| handle.join().expect("a worker thread panicked")).collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_their_order() {
        assert_eq!(super::map(10, |i| i * i), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
        assert!(super::map(0, |i| i).is_empty());
    }

    #[test]
    fn ranges_cover_every_item_once_in_order() {
        for count in [0, 1, 2, 7, 1000] {
            let covered: Vec<usize> = super::ranges(count, |range| range.collect::<Vec<_>>()).concat();
            assert_eq!(covered, (0..count).collect::<Vec<_>>());
        }
    }

    #[test]
    fn pieces_are_changed_in_place_and_their_results_kept_in_order() {
        for count in [0, 1, 2, 7, 1000] {
            let mut items: Vec<usize> = (0..count).collect();
            let starts = super::pieces_mut(&mut items, |start, piece| {
                for item in piece.iter_mut() {
                    *item *= 2;
                }
                (start, piece.len())
            });
            assert_eq!(items, (0..count).map(|n| n * 2).collect::<Vec<_>>());
            let mut next = 0;
            for (start, len) in starts {
                assert_eq!(start, next);
                next += len;
            }
            assert_eq!(next, count);
        }
    }
}
