//! The tenant-scoped handle. Every read through it is filtered by `tenant_id`, every insert
//! is stamped with it, and updates and deletes only ever touch the tenant's own rows. The
//! shard connection inside is private: code holding a `TenantDb` cannot forget the filter.
use super::tenant::TenantEntity;
use sea_orm::{
    sea_query::IntoCondition, ActiveModelBehavior, ActiveModelTrait, ActiveValue, ColumnTrait,
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel,
    Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, TransactionTrait,
    TryGetableMany,
};
use uuid::Uuid;

/// A tenant's view of its shard, over a connection (`TenantDb`) or a transaction
/// (`TenantTx`).
#[derive(Clone)]
pub struct TenantScope<C> {
    tenant_id: Uuid,
    conn: C,
    /// The tenant's shard is marked read-only: every write is refused with
    /// [`super::READ_ONLY`] (reads go on).
    read_only: bool,
}

/// The handle page loaders and form handlers get.
pub type TenantDb = TenantScope<DatabaseConnection>;
/// The same handle inside a shard transaction.
pub type TenantTx = TenantScope<DatabaseTransaction>;

impl<C> std::fmt::Debug for TenantScope<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantScope")
            .field("tenant_id", &self.tenant_id)
            .finish_non_exhaustive()
    }
}

impl TenantDb {
    /// Only the shard registry (and tests that build a shard by hand) make handles.
    pub fn new(tenant_id: Uuid, conn: DatabaseConnection) -> Self {
        Self {
            tenant_id,
            conn,
            read_only: false,
        }
    }

    /// The same handle, refusing writes (its shard is read-only).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Starts a shard transaction for this tenant (refused on a read-only shard: a
    /// transaction is for writing).
    pub async fn begin(&self) -> Result<TenantTx, DbErr> {
        self.writable()?;
        Ok(TenantScope {
            tenant_id: self.tenant_id,
            conn: self.conn.begin().await?,
            read_only: self.read_only,
        })
    }

    /// Checks the shard answers (a trivial round trip).
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

impl TenantTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.conn.commit().await
    }

    /// Holds off every other writer of `E`'s table (all tenants') until this transaction
    /// ends; readers go on. PostgreSQL only: on SQLite the first write of a transaction
    /// already holds off every other writer.
    pub async fn lock_table<E: TenantEntity>(&self) -> Result<(), DbErr> {
        self.writable()?;
        if self.conn.get_database_backend() == sea_orm::DbBackend::Postgres {
            let table = sea_orm::EntityName::table_name(&E::default());
            self.conn
                .execute_unprepared(&format!("LOCK TABLE \"{table}\" IN EXCLUSIVE MODE"))
                .await?;
        }
        Ok(())
    }
}

impl<C> TenantScope<C> {
    /// Every write goes through here first.
    fn writable(&self) -> Result<(), DbErr> {
        if self.read_only {
            Err(DbErr::Custom(super::READ_ONLY.into()))
        } else {
            Ok(())
        }
    }
}

impl<C: ConnectionTrait> TenantScope<C> {
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// A query over the tenant's rows of `E`; refine it with `filter`, `order_by`, ….
    pub fn select<E: TenantEntity>(&self) -> Scoped<'_, C, E> {
        Scoped {
            conn: &self.conn,
            select: E::find().filter(E::tenant_column().eq(self.tenant_id)),
        }
    }

    pub async fn find_by_id<E: TenantEntity>(&self, id: Uuid) -> Result<Option<E::Model>, DbErr> {
        self.select::<E>().filter(E::id_column().eq(id)).one().await
    }

    /// Inserts a row for this tenant; whatever `tenant_id` the caller set is overwritten.
    pub async fn insert<A>(&self, mut row: A) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        self.writable()?;
        row.set(A::Entity::tenant_column(), self.tenant_id.into());
        row.insert(&self.conn).await
    }

    /// Inserts a row for this tenant unless a unique index on `conflict` already holds one
    /// like it; returns whether it was inserted. No error is raised, so it is safe inside a
    /// PostgreSQL transaction (where a failed statement aborts the transaction).
    pub async fn insert_or_ignore<A>(
        &self,
        mut row: A,
        conflict: impl IntoIterator<Item = <A::Entity as EntityTrait>::Column>,
    ) -> Result<bool, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
    {
        self.writable()?;
        row.set(A::Entity::tenant_column(), self.tenant_id.into());
        let inserted = A::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns(conflict)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.conn)
            .await?;
        Ok(inserted > 0)
    }

    /// Inserts a row for this tenant, or, where a unique index in `on_conflict` already
    /// holds one like it, does what `on_conflict` says instead (add to a running total, say)
    /// — one statement, so concurrent writers cannot lose each other's update.
    pub async fn upsert<A>(
        &self,
        mut row: A,
        on_conflict: sea_orm::sea_query::OnConflict,
    ) -> Result<(), DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
    {
        self.writable()?;
        row.set(A::Entity::tenant_column(), self.tenant_id.into());
        A::Entity::insert(row)
            .on_conflict(on_conflict)
            .exec_without_returning(&self.conn)
            .await?;
        Ok(())
    }

    /// Inserts many rows for this tenant in one statement (stamped like [`Self::insert`]).
    pub async fn insert_many<A>(&self, rows: Vec<A>) -> Result<(), DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
    {
        self.writable()?;
        if rows.is_empty() {
            return Ok(());
        }
        let rows = rows.into_iter().map(|mut row| {
            row.set(A::Entity::tenant_column(), self.tenant_id.into());
            row
        });
        A::Entity::insert_many(rows)
            .exec_without_returning(&self.conn)
            .await?;
        Ok(())
    }

    /// Updates the columns set in `row` on the row with its id, if that row is this
    /// tenant's. Returns the number of rows changed (0: no such row for this tenant).
    /// Neither the id nor the tenant of a row can be changed this way.
    pub async fn update<A>(&self, mut row: A) -> Result<u64, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
    {
        let id_col = A::Entity::id_column();
        let id = match row.get(id_col) {
            ActiveValue::Set(v) | ActiveValue::Unchanged(v) => v,
            ActiveValue::NotSet => return Err(DbErr::Custom("update without an id".into())),
        };
        row.not_set(id_col);
        row.not_set(A::Entity::tenant_column());
        self.update_where(row, id_col.eq(id)).await
    }

    /// Sets the columns set in `values` on every row of this tenant matching `cond`.
    pub async fn update_where<A>(&self, values: A, cond: impl IntoCondition) -> Result<u64, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: TenantEntity,
    {
        self.writable()?;
        let mut values = values;
        values.not_set(A::Entity::tenant_column());
        let res = A::Entity::update_many()
            .set(values)
            .filter(A::Entity::tenant_column().eq(self.tenant_id))
            .filter(cond.into_condition())
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected)
    }

    /// Sets columns to expressions (e.g. `stock = stock - 1`) on this tenant's rows of `E`
    /// matching `cond`; returns rows changed. The tenant column cannot be set this way.
    pub async fn update_exprs_where<E: TenantEntity>(
        &self,
        sets: Vec<(E::Column, sea_orm::sea_query::SimpleExpr)>,
        cond: impl IntoCondition,
    ) -> Result<u64, DbErr> {
        self.writable()?;
        let mut q = E::update_many();
        for (col, expr) in sets {
            if sea_orm::IdenStatic::as_str(&col) == sea_orm::IdenStatic::as_str(&E::tenant_column())
            {
                return Err(DbErr::Custom(
                    "the tenant of a row cannot be changed".into(),
                ));
            }
            q = q.col_expr(col, expr);
        }
        let res = q
            .filter(E::tenant_column().eq(self.tenant_id))
            .filter(cond.into_condition())
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected)
    }

    /// Deletes the row with this id if it is this tenant's; returns rows deleted.
    pub async fn delete_by_id<E: TenantEntity>(&self, id: Uuid) -> Result<u64, DbErr> {
        self.delete_where::<E>(E::id_column().eq(id)).await
    }

    /// Deletes this tenant's rows of `E` matching `cond`; returns rows deleted.
    pub async fn delete_where<E: TenantEntity>(
        &self,
        cond: impl IntoCondition,
    ) -> Result<u64, DbErr> {
        self.writable()?;
        let res = E::delete_many()
            .filter(E::tenant_column().eq(self.tenant_id))
            .filter(cond.into_condition())
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected)
    }
}

/// A query already restricted to one tenant. It can be narrowed, never widened.
pub struct Scoped<'a, C, E: EntityTrait> {
    conn: &'a C,
    select: Select<E>,
}

impl<C: ConnectionTrait, E: EntityTrait> Scoped<'_, C, E> {
    pub fn filter(mut self, cond: impl IntoCondition) -> Self {
        self.select = self.select.filter(cond.into_condition());
        self
    }

    pub fn order_by(mut self, col: E::Column, order: Order) -> Self {
        self.select = self.select.order_by(col, order);
        self
    }

    pub fn order_by_asc(self, col: E::Column) -> Self {
        self.order_by(col, Order::Asc)
    }

    pub fn order_by_desc(self, col: E::Column) -> Self {
        self.order_by(col, Order::Desc)
    }

    pub fn limit(mut self, n: u64) -> Self {
        self.select = self.select.limit(n);
        self
    }

    pub fn offset(mut self, n: u64) -> Self {
        self.select = self.select.offset(n);
        self
    }

    pub async fn all(self) -> Result<Vec<E::Model>, DbErr> {
        self.select.all(self.conn).await
    }

    pub async fn one(self) -> Result<Option<E::Model>, DbErr> {
        self.select.one(self.conn).await
    }

    /// Rows as tuples, after `shape` picks the columns, groups and orders them (for
    /// aggregates such as a leaderboard). The tenant filter is already in the query.
    pub async fn tuples<T: TryGetableMany>(
        self,
        shape: impl FnOnce(Select<E>) -> Select<E>,
    ) -> Result<Vec<T>, DbErr> {
        shape(self.select).into_tuple::<T>().all(self.conn).await
    }

    pub async fn count(self) -> Result<u64, DbErr>
    where
        E::Model: Sync,
    {
        self.select.count(self.conn).await
    }
}
