//! Typed ids and the collections they index: a figure is found through its record's id, and
//! an id of one kind of record cannot index another kind.

use std::marker::PhantomData;
use std::ops::Index;

/// An id: a record's position in its collection, typed by the kind of record.
pub trait Id: Copy + Ord {
    fn from_index(index: usize) -> Self;
    fn index(self) -> usize;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl Id for $name {
            fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).expect("fewer than 2^32 records"))
            }

            fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

ids! {
    /// An engagement: a service agreement with a community.
    EngagementId,
    /// A project of an engagement.
    ProjectId,
    /// An allocation: up to N hours between two dates.
    AllocationId,
    /// An activity logged against an allocation.
    ActivityId,
    /// A contact at a community.
    ContactId,
    /// A team member who logs activities.
    MemberId,
    /// A community: the engagements that share one Community name (see
    /// `figures::communities`).
    CommunityId,
}

/// Records (or their figures) indexed by a typed id.
#[derive(Debug, Clone, PartialEq)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I)>,
}

impl<I: Id, T> IdVec<I, T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Each record with its id, in order.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator + '_ {
        self.items.iter().enumerate().map(|(index, item)| (I::from_index(index), item))
    }

    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    /// A collection of the same ids holding `value(id, record)` for each record.
    pub fn map<U>(&self, mut value: impl FnMut(I, &T) -> U) -> IdVec<I, U> {
        self.iter_enumerated().map(|(id, item)| value(id, item)).collect()
    }

    /// [`IdVec::map`] on all cores, for work on every record that is heavy enough to share.
    pub fn par_map<U: Send>(&self, value: impl Fn(I, &T) -> U + Sync) -> IdVec<I, U>
    where
        T: Sync,
    {
        crate::parallel::map(self.items.len(), |index| value(I::from_index(index), &self.items[index]))
            .into_iter()
            .collect()
    }

    pub fn get_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Keeps the records `keep` accepts; ids of later records change, so this is only for
    /// building a collection before anything refers to it.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<I, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec { items: Vec::new(), id: PhantomData }
    }
}

impl<I: Id, T> Index<I> for IdVec<I, T> {
    type Output = T;

    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(items: It) -> Self {
        IdVec { items: items.into_iter().collect(), id: PhantomData }
    }
}

impl<'a, I: Id, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
